// Whether the run that wrote a command file still wants its attempt run. A command file can outlive its attempt — left
// in a step directory by a run that finished, was cancelled, or moved on to a later attempt — and a background agent
// started later must not run it again (a step's side effect twice) nor overwrite the status that run recorded.
// The run's state.json says: the run must be active and the attempt not one that already ended.

import { runPaths } from '../protocol/run-paths.js';
import { applyRunStateJournal, readRunStateFiles } from '../protocol/run-state-journal.js';
import { checkRunState } from '../protocol/run-state-check.js';
import type { CommandCorrelation } from '../protocol/command-file.js';

const ACTIVE_RUN = new Set(['running', 'waiting_approval']);

/**
 * Why the attempt of `correlation` must not run, or undefined when it may. A command file that names no run, attempt
 * or step, or whose run has no readable state.json here (written by hand, by the original executor, or a damaged run),
 * is served as before: only a run's own record can say that its attempt is over.
 *
 * An attempt has ended when state.json shows a later attempt of the step, or this one with its completion recorded.
 * state.json may lag behind the executor by its coalescing delay (a step dispatched a moment ago can still show its
 * previous attempt), which never makes a current attempt look ended: the executor records an attempt's completion only
 * after that attempt is over.
 */
export async function endedAttemptReason(projectRoot: string, correlation: CommandCorrelation): Promise<string | undefined> {
  const { run_id: runId, step_id: stepId, attempt } = correlation;
  if (runId === undefined || stepId == null || attempt === undefined) return undefined;
  let paths: ReturnType<typeof runPaths>;
  try {
    paths = runPaths(projectRoot, runId);
  } catch {
    return undefined; // not an id of ours: no state.json of ours can speak for it
  }
  const file = paths.state;
  // state.json with its journal applied (what readRunState reads; the runner does not import the workflow folder).
  const parsed = await readRunStateFiles(file, paths.journal).then(
    ({ stateText, journalText }) => {
      const state: unknown = JSON.parse(stateText ?? '');
      applyRunStateJournal(state, journalText ?? '');
      return checkRunState(state);
    },
    () => undefined,
  ).catch(() => undefined);
  if (parsed?.success !== true) return undefined;
  const state = parsed.data;
  if (!ACTIVE_RUN.has(state.status)) return `run ${runId} is ${state.status} (${file}); a command file it left behind is not run again`;
  const step = Object.hasOwn(state.steps, stepId) ? state.steps[stepId] : undefined;
  if (step === undefined) return undefined;
  if (step.attempt > attempt) return `attempt ${attempt} of step ${stepId} of run ${runId} was followed by attempt ${step.attempt} (${file}); it is not run again`;
  if (step.attempt === attempt && step.completed_at !== null) return `attempt ${attempt} of step ${stepId} of run ${runId} already ended (${step.status} at ${step.completed_at}, ${file}); it is not run again`;
  return undefined;
}
