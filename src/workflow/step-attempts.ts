// The attempts of one step: check its required artifacts, then start an attempt, hand it to the transport (in its
// worktree when isolation is on), record how it ended, and retry with backoff while the retry policy allows — every
// status change through transitionStep.
//
// Durability: the first attempt is dispatched after the executor's flush, each retry after its own, so a completion
// is on disk before anything that follows it starts.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import type { AttemptOutcome } from '../transport/transport.js';
import type { ActiveRun } from './active-run.js';
import type { Step } from './model.js';
import { retryDelayMs, retryPolicyFor, shouldRetry } from './retry-policy.js';
import { enterWorktree, leaveWorktree } from './run-worktrees.js';
import { applyGate } from './step-gates.js';
import { attemptCorrelation, stepAttempt } from './step-run-context.js';
import { transitionStep } from './step-transition.js';

/** String outputs kept in state.json are cut to this many characters (the full text is in the step log). */
const MAX_OUTPUT_CHARS = 4096;

/** Runs `step` (not an approval step) until it succeeds, fails for good or is cancelled. */
export async function runStepAttempts(run: ActiveRun, step: Step): Promise<void> {
  const { options, store, observer } = run;
  const stepState = run.stepState(step.id);
  const policy = retryPolicyFor(options.config.autoExecution.retry, step.retry, step.onError === 'retry');
  // A step left `running` by a crash gets the same attempt again, so a transport can adopt its result.
  let attempt = stepState.interrupted_attempt ?? stepState.attempt + 1;
  delete stepState.interrupted_attempt;
  await makeDirectoryInside(stepState.step_dir, 0o700, options.projectRoot);
  // With worktrees, earlier steps' outputs are back in the project; a kept worktree of a failed attempt is not the place.
  if (run.isolation !== undefined) stepState.work_dir = options.projectRoot;
  const missing: string[] = [];
  for (const file of step.requires) if (!(await artifactExists(stepState.work_dir, file))) missing.push(file);
  if (missing.length > 0) {
    run.refuseStep(step, `required artifact${missing.length > 1 ? 's' : ''} ${missing.map((file) => JSON.stringify(file)).join(', ')} not found in ${stepState.work_dir}`, 'REQUIRES_MISSING');
    return;
  }
  for (let retry = false; ; retry = true) {
    // The failed attempt is on disk before its retry is dispatched (the first attempt was flushed by the loop), and
    // a state.json that can no longer be written stops the run here (STORAGE_FAILED).
    if (retry) await store.flush();
    const controller = new AbortController();
    run.controllers.set(step.id, controller);
    if (run.isCancelled()) controller.abort();
    transitionStep(run, step.id, { type: 'start', attempt });
    const createdAt = stepState.started_at as string;
    const correlation = attemptCorrelation(run, step, attempt);
    run.track(observer.audit({ event: 'execution.started', ...correlation, actor: 'executor', details: { transport: options.transport.kind } }));
    const entered = await enterWorktree(run, step, attempt, controller.signal);
    const dispatched = entered.failure ?? (await options.transport.run(stepAttempt(run, step, correlation, createdAt), controller.signal));
    const outcome = await leaveWorktree(run, step, entered.workspace, dispatched);
    run.controllers.delete(step.id);
    stepState.outputs = trimOutputs(outcome.outputs);
    stepState.artifacts = outcome.artifacts;
    // The attempt's own times (a result adopted on resume shows when it ran), set by the transition below.
    const ran = { startedAt: outcome.startedAt, completedAt: outcome.completedAt };
    const error = outcome.error ?? null;
    run.record(step, outcome.status, outcome.startedAt, outcome.completedAt, outcome.error?.message ?? null, outcome);
    if (outcome.status === 'success') {
      run.track(observer.audit({ event: 'execution.completed', ...correlation, actor: 'executor', ...workerDetails(outcome) }));
      transitionStep(run, step.id, { type: 'succeed', output: outcome.output, ran, error });
      // A model step that replaced an existing file says where its previous content is (outputs.replaced).
      if (Array.isArray(outcome.outputs.replaced) && outcome.outputs.replaced.length > 0) store.emit('step.replaced', { stepId: step.id, files: outcome.outputs.replaced });
      applyGate(run, step);
      return;
    }
    const message = outcome.error?.message ?? `Step ended with status ${outcome.status}`;
    run.track(observer.audit({ event: outcome.status === 'timeout' ? 'execution.timeout' : 'execution.failed', ...correlation, actor: 'executor', details: { error: message, ...workerDetails(outcome).details } }));
    if (outcome.status === 'cancelled' || run.isCancelled()) {
      transitionStep(run, step.id, { type: 'cancel', message, ran, error });
      return;
    }
    const retryable = outcome.error?.retryable ?? outcome.status === 'timeout';
    if (shouldRetry(policy, attempt, retryable) && run.stopError === undefined) {
      const delay = retryDelayMs(policy, attempt, (options.random ?? Math.random)());
      transitionStep(run, step.id, { type: 'retry_later', ran, error, message, delayMs: delay });
      run.track(observer.audit({ event: 'retry.scheduled', ...correlation, actor: 'executor', details: { delay_ms: delay, next_attempt: attempt + 1, error: message } }));
      await run.clock.sleep(delay, options.signal);
      if (run.isCancelled()) {
        transitionStep(run, step.id, { type: 'cancel', message: 'cancelled while waiting to retry' });
        return;
      }
      attempt++;
      continue;
    }
    transitionStep(run, step.id, { type: 'fail', message, ran, error, onError: step.onError });
    run.afterFailure(step, message);
    return;
  }
}

function trimOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, typeof value === 'string' && value.length > MAX_OUTPUT_CHARS ? `…${value.slice(-MAX_OUTPUT_CHARS)}` : value]));
}

/** True when `file` (relative to `workDir`) exists: required artifacts of steps that no step creates. */
async function artifactExists(workDir: string, file: string): Promise<boolean> {
  try {
    await stat(path.resolve(workDir, file));
    return true;
  } catch {
    return false;
  }
}

/** The audit details naming the queue worker that ran an attempt (none for the file transport). */
function workerDetails(outcome: AttemptOutcome): { details?: Record<string, unknown> } {
  const worker = outcome.worker;
  return worker === undefined ? {} : { details: { worker_id: worker.id, worker_host: worker.host, worker_pid: worker.pid } };
}
