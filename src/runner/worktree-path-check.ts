// A runner serves only command files whose `worktree_path` lies inside the project: every step worktree is under
// `.tapps-agents/worktrees/`, so a command file naming another place was not written by this project's executor and
// must not make the runner execute (and write reports) there.

import path from 'node:path';
import { TappsError } from '../errors.js';
import { checkDirectoryInside } from '../fs/write-boundary.js';

/** Why a command file's `worktree_path` is refused, or undefined when it is inside the project (links resolved). */
export async function foreignWorktreeReason(projectRoot: string, worktreePath: string | undefined): Promise<string | undefined> {
  if (worktreePath === undefined) return undefined;
  if (!path.isAbsolute(worktreePath)) return `its worktree_path ${JSON.stringify(worktreePath)} is not an absolute path`;
  try {
    await checkDirectoryInside(worktreePath, projectRoot);
    return undefined;
  } catch (error) {
    if (TappsError.is(error) && error.code === 'OUTSIDE_PROJECT') return `its worktree_path ${worktreePath} is outside the project ${projectRoot}`;
    throw error;
  }
}
