// What a worker's result means for the attempt: checked against its schema and correlation, audited with the
// worker's host and pid, its changes applied to the step directory, and the expected artifacts found there (the
// worker checked that the step wrote them during the attempt, where its file times mean something).

import type { ResolvedConfig } from '../config/resolve.js';
import type { ExecutionObserver } from '../observability/observer.js';
import { stepError } from '../step-errors.js';
import { artifactsMissingError, missingArtifacts } from '../transport/expected-artifacts.js';
import type { AttemptOutcome, StepAttempt } from '../transport/transport.js';
import { applyChanges } from './step-changes.js';
import { describeParseError, stepResultSchema } from './step-job.js';

/** The attempt's outcome from the job's return value. Never rejects. */
export async function outcomeOfResult(value: unknown, attempt: StepAttempt, startMs: number, config: ResolvedConfig, observer: ExecutionObserver): Promise<AttemptOutcome> {
  const now = () => new Date().toISOString();
  const startedAt = new Date(startMs).toISOString();
  const invalid = (message: string): AttemptOutcome => ({ status: 'failed', outputs: {}, artifacts: [], error: stepError('JOB_INVALID', message), startedAt, completedAt: now() });
  let raw = value;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return invalid('The worker returned a result that is not JSON');
    }
  }
  const parsed = stepResultSchema.safeParse(raw);
  if (!parsed.success) return invalid(`The worker's result does not parse: ${describeParseError(parsed.error)}`);
  const result = parsed.data;
  const want = attempt.correlation;
  if (result.correlation.run_id !== want.run_id || result.correlation.step_id !== want.step_id || result.correlation.attempt !== want.attempt) {
    return invalid(`The worker's result names another attempt (${result.correlation.run_id}/${result.correlation.step_id}/${result.correlation.attempt})`);
  }
  const worker = { id: result.worker.id, host: result.worker.host, pid: result.worker.pid };
  const base = {
    outputs: result.outputs,
    artifacts: result.artifacts,
    ...(result.output === undefined ? {} : { output: result.output }),
    ...(result.usage === undefined ? {} : { usage: result.usage }),
    startedAt: result.started_at,
    completedAt: result.completed_at,
    worker,
  };
  const { workflow_id, run_id, step_id, attempt: number } = want;
  await observer.audit({ event: 'queue.completed', workflow_id, run_id, step_id, attempt: number, actor: 'executor', details: { worker_id: worker.id, worker_host: worker.host, worker_pid: worker.pid, status: result.status, changes_bytes: result.changes.bytes, ...(result.error === undefined ? {} : { error: result.error.code }) } });
  if (result.status === 'failed') {
    const error = result.error ?? stepError('FAILED', 'The worker reported failure without a reason');
    return { ...base, status: error.code === 'TIMEOUT' ? 'timeout' : 'failed', error };
  }
  try {
    await applyChanges(attempt.stepDir, result.changes);
  } catch (error) {
    return { ...base, status: 'failed', error: stepError('CHANGES_NOT_APPLIED', `The changes of worker ${worker.host} (pid ${worker.pid}) could not be applied to ${attempt.stepDir}: ${(error as Error).message}`) };
  }
  if (config.autoExecution.features.artifact_detection && attempt.expectedArtifacts.length > 0) {
    // The worker checked they were written during the attempt (its clock, its files); here only that they arrived.
    const missing = missingArtifacts(attempt.stepDir, attempt.expectedArtifacts, Number.NEGATIVE_INFINITY);
    if (missing.length > 0) return { ...base, status: 'failed', error: artifactsMissingError(missing, attempt.stepDir) };
  }
  return { ...base, status: 'success', artifacts: result.artifacts.length > 0 ? result.artifacts : attempt.expectedArtifacts };
}
