// The zod schema of a workflow file, for both shapes: the seed's (top-level `id`, `steps: [{step, …}]`) and the
// original presets' (`workflow: {id, steps: [{id, …}]}`). Fields are checked here; cross-step rules live in
// workflow-rules.ts and compilation to the model in compile-workflow.ts.

import { z } from 'zod';
import { durationSchema } from '../config/duration-schema.js';

const stringList = z.array(z.string().min(1));
/** `creates: file.md` is accepted as a one-item list. */
const stringOrList = z.union([z.string().min(1), stringList]);

const retrySchema = z.strictObject({
  enabled: z.boolean().optional().describe('Turn retries on or off for this step.'),
  max_attempts: z.number().int().min(1).max(100).optional().describe('Attempts in all, the first included.'),
  initial_delay_seconds: durationSchema({ allowZero: true }).optional().describe('Delay before the second attempt.'),
  initial_delay: durationSchema({ allowZero: true }).optional().describe('Same as initial_delay_seconds.'),
  initial_backoff_seconds: durationSchema({ allowZero: true }).optional().describe("The original presets' name for initial_delay_seconds."),
  backoff_multiplier: z.number().min(1).max(10).optional().describe('Each delay is the previous one times this.'),
  max_delay_seconds: durationSchema().optional().describe('Cap on a single delay.'),
  max_backoff_seconds: durationSchema().optional().describe("The original presets' name for max_delay_seconds."),
});

const gateSchema = z.strictObject({
  condition: z.string().min(1).optional().describe('Expression decided after the step succeeds, e.g. "outputs.score >= 70".'),
  on_pass: z.string().min(1).optional().describe('Step id, "next" (default), "retry" or "fail".'),
  on_fail: z.string().min(1).optional().describe('Step id, "next", "retry" or "fail" (default).'),
  max_iterations: z.number().int().min(1).max(100).optional().describe('How often the gate may loop back. Default 3.'),
  retry_on_fail: z.boolean().optional().describe('The original\'s flag: on_fail defaults to "retry".'),
});

const metadataSchema = z
  .object({
    retry: retrySchema.optional(),
    skip_on_fail: z.boolean().optional().describe('On failure, record it and go on (on_error: continue).'),
    error_recoverable: z.boolean().optional().describe('On failure, record it and go on (on_error: continue).'),
    scoring: z.object({ thresholds: z.record(z.string(), z.number()).optional() }).loose().optional(),
  })
  .loose();

/** One step, in either shape. */
export const stepSchema = z.strictObject({
  id: z.string().min(1).optional().describe('Unique step id (presets). Derived from `step` when absent.'),
  step: z.string().min(1).optional().describe('The step\'s title (seed shape); its id is the title in kebab-case.'),
  name: z.string().optional(),
  description: z.string().optional(),
  agent: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  run: z.string().min(1).optional().describe('A shell script: the step runs `shell run --script <run>`.'),
  on_error: z.enum(['fail', 'continue', 'retry']).optional(),
  condition: z.string().min(1).optional(),
  needs: z.union([z.string().min(1), stringList]).optional(),
  requires: stringOrList.optional(),
  creates: stringOrList.optional(),
  next: z.string().min(1).optional(),
  gate: gateSchema.optional(),
  scoring: z.object({ thresholds: z.record(z.string(), z.number()).optional() }).loose().optional(),
  metadata: metadataSchema.optional(),
  engine: z.string().min(1).optional(),
  timeout: durationSchema().optional(),
  retry: retrySchema.optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  concurrency: z.string().min(1).optional().describe('A group name: steps of one group never run at the same time.'),
  overwrite: z.boolean().optional().describe('false: a model-backed step whose target file already exists fails instead of replacing it (default true: the previous content is kept in the step directory).'),
  context_budget: z.int().min(1000).max(10_000_000).optional().describe('Most characters of input file content pasted into this step\'s prompt (default: agents.context_budget of the config).'),
  merge: z.enum(['copy', 'commit']).optional().describe("With worktree isolation: copy the declared artifacts back (copy) or merge the step's commits (commit)."),
  approval: z
    .union([
      z.literal(true),
      z.strictObject({ prompt: z.string().min(1).optional(), timeout: durationSchema().optional() }),
    ])
    .optional(),
  context_tier: z.union([z.number().int(), z.string()]).optional(),
  consults: stringList.optional(),
  notes: z.string().optional(),
  optional_steps: stringList.optional(),
  repeats: z.boolean().optional(),
});

export type StepInput = z.output<typeof stepSchema>;

/** The body of a workflow (the seed's top level, or the presets' `workflow:` mapping). */
export const workflowBodySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  type: z.string().optional(),
  schema_version: z.union([z.string(), z.number()]).optional(),
  auto_detect: z.boolean().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  metadata: z.object({ auto_execution: z.boolean().optional() }).loose().optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  /** Each step is checked on its own (stepSchema), so one bad step never hides the problems of the others. */
  steps: z.array(z.unknown()).min(1),
});

export type WorkflowBodyInput = z.output<typeof workflowBodySchema>;

const seedStepSchema = z.object({ steps: z.record(z.string(), stepSchema) });
const presetStepSchema = z.object({ workflow: seedStepSchema });

/**
 * Checks one step alone at its real position in the file: the data is `{steps: {"<index>": step}}` (under `workflow:`
 * for presets), so problems carry the path `steps.<index>.…` without validating the other steps again.
 */
export function singleStepSchema(preset: boolean) {
  return preset ? presetStepSchema : seedStepSchema;
}

/** The presets' wrapped shape. */
export const presetWorkflowSchema = z.strictObject({
  workflow: workflowBodySchema,
  metadata: z.object({ auto_execution: z.boolean().optional() }).loose().optional(),
});
