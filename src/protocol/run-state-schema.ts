// The zod schema of state.json: what RunStore writes is what readRunState accepts. A file that parses but lacks
// fields (`executor: null`, no `steps`) is a damaged run, reported as such, never cast and crashed on later.

import { z } from 'zod';

export const stepStateSchema = z
  .object({
    name: z.string(),
    status: z.enum(['pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'skipped', 'cancelled']),
    attempt: z.number().int().min(0),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    step_dir: z.string(),
    work_dir: z.string(),
    outputs: z.record(z.string(), z.unknown()),
    artifacts: z.array(z.string()),
    error: z.object({ message: z.string(), code: z.string(), retryable: z.boolean() }).loose().nullable(),
  })
  .loose();

/** state.json, schemaVersion 1. Unknown fields are kept (a newer minor version may add some). */
export const runStateSchema = z
  .object({
    schemaVersion: z.literal(1),
    run_id: z.string().min(1),
    workflow_id: z.string(),
    workflow_name: z.string(),
    workflow_file: z.string(),
    status: z.enum(['running', 'succeeded', 'completed_with_failures', 'failed', 'cancelled', 'waiting_approval']),
    executor: z.object({ pid: z.number().int(), host: z.string(), start: z.string().optional() }).loose(),
    started_at: z.string(),
    updated_at: z.string(),
    completed_at: z.string().nullable(),
    error: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    auto_execution: z.boolean(),
    transport: z.string(),
    gate_iterations: z.record(z.string(), z.number()),
    steps: z.record(z.string(), stepStateSchema),
  })
  .loose();

/** state.json but its steps (which a loose object passes through unchecked). */
const runStateHeadSchema = runStateSchema.omit({ steps: true });

const STEP_STATUSES: ReadonlySet<unknown> = new Set(stepStateSchema.shape.status.options);

/**
 * `runStateSchema.safeParse(value)`, faster for a run of many steps: when every step passes {@link isValidStepState}
 * (never looser than the schema), only the rest is checked by the schema and the steps are kept as they are — zod's
 * check and copy of each of 10,000 steps was a third of `workflow status` (~200 ms). Otherwise the whole schema
 * decides, and says what is wrong.
 */
export function checkRunState(value: unknown): z.ZodSafeParseResult<z.output<typeof runStateSchema>> {
  if (isPlainObject(value) && isPlainObject(value.steps) && Object.values(value.steps).every(isValidStepState)) {
    const head = runStateHeadSchema.safeParse(value);
    if (head.success) return { success: true, data: { ...head.data, steps: value.steps as z.output<typeof runStateSchema>['steps'] } };
  }
  return runStateSchema.safeParse(value);
}

/** True when `value` is a valid step of state.json; false also for some the schema would take (then it decides). */
export function isValidStepState(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { name, status, attempt, started_at: startedAt, completed_at: completedAt, step_dir: stepDir, work_dir: workDir, outputs, artifacts, error } = value;
  return (
    typeof name === 'string' &&
    STEP_STATUSES.has(status) &&
    Number.isSafeInteger(attempt) &&
    (attempt as number) >= 0 &&
    (startedAt === null || typeof startedAt === 'string') &&
    (completedAt === null || typeof completedAt === 'string') &&
    typeof stepDir === 'string' &&
    typeof workDir === 'string' &&
    isPlainObject(outputs) &&
    Array.isArray(artifacts) &&
    artifacts.every((artifact) => typeof artifact === 'string') &&
    (error === null || (isPlainObject(error) && typeof error.message === 'string' && typeof error.code === 'string' && typeof error.retryable === 'boolean'))
  );
}

/** An object as JSON.parse makes them (not an array, a class instance or null). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
