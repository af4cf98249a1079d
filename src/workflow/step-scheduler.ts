// Which steps start next: every pending step whose dependencies have finished, up to the concurrency limit and one
// step per concurrency group at a time; a step its condition leaves out is skipped (or failed) here instead.

import { TERMINAL_STEP_STATUSES, type ActiveRun } from './active-run.js';
import type { Step } from './model.js';
import { skipReason } from './step-conditions.js';

/** Starts every ready step with `start`, up to the run's concurrency limit. */
export function dispatchReady(run: ActiveRun, start: (step: Step) => Promise<void>): void {
  const { state, running } = run;
  for (const step of run.options.workflow.steps) {
    if (running.size >= run.limit) return;
    if (run.stepState(step.id).status !== 'pending' || running.has(step.id)) continue;
    if (!step.dependsOn.every((dep) => TERMINAL_STEP_STATUSES.has(state.steps[dep]?.status ?? 'pending'))) continue;
    if (step.concurrencyGroup !== undefined && [...running.keys()].some((id) => run.steps.get(id)?.concurrencyGroup === step.concurrencyGroup)) continue;
    const skip = skipReason(run, step);
    if (skip !== undefined) {
      if (skip.failed === true) run.refuseStep(step, skip.reason, 'CONDITION_ERROR');
      else run.skipStep(step, skip.reason);
      continue;
    }
    running.set(step.id, start(step).finally(() => running.delete(step.id)));
  }
}
