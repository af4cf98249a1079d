// The glue between a run and worktree isolation (src/worktree, docs/worktrees.md): turning it on for the run, giving
// an attempt its worktree, and bringing a successful attempt's outputs back (or keeping a failed one's worktree).

import { TappsError } from '../errors.js';
import { stepError } from '../step-errors.js';
import type { AttemptOutcome } from '../transport/transport.js';
import { StepIsolation, type StepWorkspace } from '../worktree/step-isolation.js';
import type { ActiveRun } from './active-run.js';
import { isoNow } from './clock.js';
import type { Step } from './model.js';

/** Turns isolation on when the workflow's `settings.worktrees` or the config's `workflow.worktrees` says so. */
export async function openRunWorktrees(run: ActiveRun): Promise<void> {
  const { options, state, store } = run;
  const settings = options.workflow.worktrees;
  if (!(settings?.enabled ?? options.config.workflow.worktrees)) return;
  const isolation = await StepIsolation.forRun({
    projectRoot: options.projectRoot,
    runId: state.run_id,
    ...(state.worktree_base === undefined ? {} : { baseCommit: state.worktree_base }),
    ...(settings?.setup === undefined ? {} : { setup: settings.setup }),
    ...(settings?.merge === undefined ? {} : { mode: settings.merge }),
  });
  if (isolation.git === undefined) {
    store.emit('worktrees.notice', { message: isolation.plain?.message });
    return;
  }
  for (const warning of isolation.git.warnings) store.emit('worktrees.notice', { message: warning });
  state.worktree_base = isolation.git.baseCommit;
  store.changed();
  run.isolation = isolation;
}

/** An attempt's worktree, or the failed outcome of an attempt whose worktree could not be made. */
export interface EnteredWorktree {
  workspace?: StepWorkspace;
  failure?: AttemptOutcome;
}

/** Creates the attempt's worktree and points the step's work_dir at it; a creation failure fails the attempt. */
export async function enterWorktree(run: ActiveRun, step: Step, attempt: number, signal: AbortSignal): Promise<EnteredWorktree> {
  if (run.isolation === undefined) return {};
  const startedAt = isoNow(run.clock);
  try {
    const workspace = await run.isolation.enter({ stepId: step.id, attempt, requires: step.requires, creates: step.creates, signal });
    if (workspace === undefined) return {};
    run.stepState(step.id).work_dir = workspace.stepDir;
    run.store.changed();
    return { workspace };
  } catch (error) {
    if (!TappsError.is(error)) throw error;
    const failure: AttemptOutcome = {
      status: error.code === 'TIMEOUT' ? 'timeout' : 'failed',
      outputs: {},
      artifacts: [],
      // A setup command past its deadline is a timeout; anything else the worktree did is WORKTREE_FAILED.
      error: stepError(error.code === 'TIMEOUT' ? 'TIMEOUT' : 'WORKTREE_FAILED', error.message, error.code !== 'CONFLICT'),
      startedAt,
      completedAt: isoNow(run.clock),
    };
    return { failure };
  }
}

/** Brings a successful attempt's outputs back (a conflict fails it) or keeps the worktree of a failed one. */
export async function leaveWorktree(run: ActiveRun, step: Step, workspace: StepWorkspace | undefined, outcome: AttemptOutcome): Promise<AttemptOutcome> {
  if (workspace === undefined || run.isolation === undefined) return outcome;
  const left = await run.isolation.leave(workspace, outcome.status, outcome.error?.message, step.merge);
  if (left.kept === true) run.store.emit('worktree.kept', { stepId: step.id, path: left.path, reason: left.keptReason });
  else run.stepState(step.id).work_dir = run.options.projectRoot;
  if (left.error === undefined) return outcome;
  return { ...outcome, status: 'failed', error: left.error };
}
