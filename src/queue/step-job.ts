// What travels through the queue for one step attempt (PRODUCT.md §10), as versioned zod schemas validated on read:
// the job (the attempt's command file as the file transport writes it, secrets redacted; the commit it starts from;
// the input files) and the result (the status a runner would write, plus the step's changes).

import { z } from 'zod';
import { STEP_ERRORS, type StepErrorCode } from '../step-errors.js';

export const STEP_JOB_SCHEMA = 'tapps-agents.step-job/1';
export const STEP_RESULT_SCHEMA = 'tapps-agents.step-result/1';

/** One file's content, as it travels (base64). */
const fileSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  content_base64: z.string(),
  /** Whether it is executable. */
  executable: z.boolean().optional(),
});

const correlationSchema = z.strictObject({
  workflow_id: z.string().min(1),
  run_id: z.string().min(1),
  step_id: z.string().min(1),
  attempt: z.int().min(1),
});

export const stepJobSchema = z.strictObject({
  schema: z.literal(STEP_JOB_SCHEMA),
  project_id: z.string().min(1),
  correlation: correlationSchema,
  /** The commit the step's directory was at: the worker's worktree starts there. */
  base_commit: z.string().regex(/^[0-9a-f]{40,64}$/, 'must be a full commit id'),
  /** The command file's JSON, as the file transport writes it (secrets redacted); worktree_path and inputs are rewritten by the worker. */
  command_file: z.looseObject({ command: z.string().min(1) }),
  /** Files the step reads that may not be committed (its required inputs, what its dependencies wrote), relative to the step directory. */
  files: z.array(fileSchema).default([]),
  timeout_ms: z.int().positive(),
  /** Where the executor waits (shown by workers, used in audit records). */
  executor: z.strictObject({ host: z.string(), pid: z.int() }),
});

export type StepJob = z.output<typeof stepJobSchema>;
export type StepJobInput = z.input<typeof stepJobSchema>;

const stepErrorSchema = z.strictObject({
  code: z.string().transform((code): StepErrorCode => (code in STEP_ERRORS ? (code as StepErrorCode) : 'FAILED')),
  message: z.string(),
  retryable: z.boolean(),
});

export const stepResultSchema = z.strictObject({
  schema: z.literal(STEP_RESULT_SCHEMA),
  correlation: correlationSchema,
  worker: z.strictObject({ id: z.string(), host: z.string(), pid: z.int(), version: z.string() }),
  status: z.enum(['completed', 'failed']),
  error: stepErrorSchema.optional(),
  outputs: z.record(z.string(), z.unknown()).default({}),
  artifacts: z.array(z.string()).default([]),
  output: z.string().optional(),
  usage: z.record(z.string(), z.unknown()).optional(),
  started_at: z.string(),
  completed_at: z.string(),
  /** What the step changed: a binary git diff from base_commit, and files git does not track (ignored artifacts). */
  changes: z.strictObject({
    diff_base64: z.string(),
    files: z.array(fileSchema),
    bytes: z.int().min(0),
  }),
});

export type StepResult = z.output<typeof stepResultSchema>;
export type StepResultInput = z.input<typeof stepResultSchema>;

/** The schema's verdict in one line, for a job or result that does not parse. */
export function describeParseError(error: z.ZodError): string {
  return z.prettifyError(error).replaceAll('\n', '; ');
}
