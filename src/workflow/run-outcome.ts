// What a run came to once nothing more can start: cancelled, failed (stopped by a failure, or blocked), succeeded or
// completed_with_failures — written into the state and announced by run.finished.

import { TERMINAL_STEP_STATUSES, type ActiveRun } from './active-run.js';
import { isoNow } from './clock.js';
import { describeRunOutcome } from './run-state.js';

/** Sets the run's final status, error, failed_steps and completed_at, and emits run.finished. */
export function finishRun(run: ActiveRun): void {
  const { state, store } = run;
  const steps = Object.values(state.steps);
  if (run.isCancelled()) {
    state.status = 'cancelled';
    state.error = 'cancelled';
  } else if (run.stopError !== undefined) {
    state.status = 'failed';
    state.error = run.stopError;
  } else if (steps.every((step) => TERMINAL_STEP_STATUSES.has(step.status))) {
    // Failures under on_error: continue do not make a run "succeeded"; with nothing succeeded it failed.
    const failed = steps.filter((step) => step.status === 'failed').length;
    const succeeded = steps.some((step) => step.status === 'succeeded');
    state.status = failed === 0 ? 'succeeded' : succeeded ? 'completed_with_failures' : 'failed';
    if (failed > 0 && !succeeded) state.error = failed === steps.length ? 'every step failed' : `${failed} ${failed === 1 ? 'step' : 'steps'} failed and none succeeded`;
  } else {
    state.status = 'failed';
    state.error = `Run blocked: ${steps.filter((step) => !TERMINAL_STEP_STATUSES.has(step.status)).length} steps could not start`;
  }
  state.failed_steps = steps.filter((step) => step.status === 'failed').length;
  state.completed_at = isoNow(run.clock);
  store.changed();
  const counts: Record<string, number> = {};
  for (const step of steps) counts[step.status] = (counts[step.status] ?? 0) + 1;
  store.emit('run.finished', { status: state.status, error: state.error, counts, failedSteps: state.failed_steps, summary: describeRunOutcome(state.status, state.failed_steps) });
}
