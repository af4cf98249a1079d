// Whether a run may still use its worktrees, from the engine's run state: cleanup skips such runs, and health
// calls a worktree of any other run that is still marked active "abandoned".

import { TappsError } from '../errors.js';
import { runStatus } from './run-control.js';

/** True while a run is running or waiting for an approval, or when its state cannot be read (to be safe). */
export async function isRunActive(projectRoot: string, runId: string): Promise<boolean> {
  try {
    const { status } = await runStatus(projectRoot, runId);
    return status === 'running' || status === 'waiting_approval';
  } catch (error) {
    // No such run (any more): its worktrees are leftovers. An unreadable state is left alone.
    if (TappsError.is(error)) return error.code !== 'RUN_NOT_FOUND' && error.code !== 'USAGE';
    throw error;
  }
}
