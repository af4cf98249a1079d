// The fast check of state.json that every reader runs first, by hand and without zod: a valid state (every state this
// tool writes) is taken as it is, and only a state that fails it loads the schema (run-state-schema.ts), which then
// decides and says what is wrong. Never looser than the schema (run-state-check.test.ts): it may refuse what the schema
// takes — the schema then takes it — but never the reverse. Loading zod and building the schema was ~30 ms of every
// `workflow status`; checking 10,000 steps with zod was ~200 ms more.

import type { z } from 'zod';
import type { runStateSchema } from './run-state-schema.js';
import { RUN_STATUS_VALUES, STEP_STATUS_VALUES } from './run-state-statuses.js';

const STEP_STATUSES: ReadonlySet<unknown> = new Set(STEP_STATUS_VALUES);
const RUN_STATUSES: ReadonlySet<unknown> = new Set(RUN_STATUS_VALUES);

/** A state.json that passed, as the schema types it; or what the schema found wrong. */
export type CheckedRunState = z.ZodSafeParseResult<z.output<typeof runStateSchema>>;

/**
 * `runStateSchema.safeParse(value)`, without zod for a valid state: when the head passes {@link isValidRunHead} and
 * every step {@link isValidStepState}, `value` is the result as it is; otherwise the schema decides.
 */
export async function checkRunState(value: unknown): Promise<CheckedRunState> {
  if (isValidRunHead(value) && isPlainObject(value.steps) && Object.values(value.steps).every(isValidStepState)) {
    return { success: true, data: value as z.output<typeof runStateSchema> };
  }
  const { runStateSchema: schema } = await import('./run-state-schema.js');
  return schema.safeParse(value);
}

/** True when `value`'s fields but its steps are valid for state.json; false also for some the schema would take. */
export function isValidRunHead(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const { executor, params, gate_iterations: gateIterations } = value;
  return (
    value.schemaVersion === 1 &&
    typeof value.run_id === 'string' &&
    value.run_id.length > 0 &&
    typeof value.workflow_id === 'string' &&
    typeof value.workflow_name === 'string' &&
    typeof value.workflow_file === 'string' &&
    RUN_STATUSES.has(value.status) &&
    isPlainObject(executor) &&
    Number.isSafeInteger(executor.pid) &&
    typeof executor.host === 'string' &&
    (!Object.hasOwn(executor, 'start') || typeof executor.start === 'string') &&
    typeof value.started_at === 'string' &&
    typeof value.updated_at === 'string' &&
    (value.completed_at === null || typeof value.completed_at === 'string') &&
    (value.error === null || typeof value.error === 'string') &&
    isPlainObject(params) &&
    typeof value.auto_execution === 'boolean' &&
    typeof value.transport === 'string' &&
    isPlainObject(gateIterations) &&
    Object.values(gateIterations).every((count) => typeof count === 'number' && Number.isFinite(count))
  );
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
