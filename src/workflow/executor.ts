// The executor: drives a workflow's steps as a DAG to the run's end. In order, a run
//   1. opens its store (state.json, events.jsonl) and, when asked for, worktree isolation (run-worktrees.ts);
//   2. writes state.json, then announces run.started (or run.resumed);
//   3. loops: flush state.json, start every ready step (step-scheduler.ts; conditions in step-conditions.ts), wait for
//      one to settle — a step is an approval wait (approval-step.ts) or attempts with retries (step-attempts.ts), a
//      succeeded one's gate may skip or loop back (step-gates.ts);
//   4. decides what the run came to (run-outcome.ts), waits for metrics and audit, and closes the store.
// The in-memory run all of them share is an ActiveRun (active-run.ts); every step status change goes through
// transitionStep (step-transition.ts).
//
// Durability rule: before a new attempt is dispatched, every earlier completion is on disk (RunStore.flush), so after
// a crash only the steps that were running at that moment run again — and each of those once, with the same attempt
// number (a transport can adopt a result that landed meanwhile). Between dispatches, state.json writes are coalesced.

import { ActiveRun, type ExecuteRunOptions } from './active-run.js';
import { runApprovalStep } from './approval-step.js';
import type { Step } from './model.js';
import { finishRun } from './run-outcome.js';
import type { RunState } from './run-state.js';
import { openRunWorktrees } from './run-worktrees.js';
import { runStepAttempts } from './step-attempts.js';
import { StepScheduler } from './step-scheduler.js';

/** What a run came to. */
export interface RunReport {
  state: RunState;
}

/**
 * Runs (or resumes) a workflow to its end.
 * @throws {TappsError} STORAGE_FAILED when state.json cannot be written (the events so far are in events.jsonl)
 * @example
 * const state = newRunState({ projectRoot, workflow, runId: newRunId(workflow.id), params: {}, autoExecution: false, transport: 'inline' });
 * const report = await executeRun({ projectRoot, workflow, config, transport, state });
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunReport> {
  const run = new ActiveRun(options);
  const scheduler = new StepScheduler(run);
  const { store, state } = run;
  const { signal } = options;
  await store.open();
  await openRunWorktrees(run);
  const resumed = Object.values(state.steps).some((step) => step.attempt > 0 || step.status !== 'pending');
  // state.json is on disk before the run is announced: a run id anyone has seen can be resumed.
  store.changed();
  await store.flush();
  store.emit(resumed ? 'run.resumed' : 'run.started', { workflowId: state.workflow_id, workflowName: state.workflow_name, steps: options.workflow.steps.map((step) => step.id), transport: options.transport.kind });
  const onAbort = () => {
    for (const controller of run.controllers.values()) controller.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await driveSteps(run, scheduler);
  } catch (error) {
    // The run cannot go on (its state cannot be saved): the events so far still reach events.jsonl.
    await store.close().catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  finishRun(run);
  await run.settleReporting();
  await store.close();
  return { state };
}

/** Starts ready steps and waits for them until nothing runs; a cancelled run starts nothing new. */
async function driveSteps(run: ActiveRun, scheduler: StepScheduler): Promise<void> {
  for (;;) {
    if (!run.isCancelled()) {
      // Every completion so far is on disk before the next dispatch.
      await run.store.flush();
      scheduler.dispatch((step) => runStep(run, step));
    }
    if (run.running.size === 0) return;
    await Promise.race(run.running.values());
  }
}

/** One step: an approval wait, or its attempts. */
function runStep(run: ActiveRun, step: Step): Promise<void> {
  return step.approval === undefined ? runStepAttempts(run, step) : runApprovalStep(run, step);
}
