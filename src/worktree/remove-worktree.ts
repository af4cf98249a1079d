// Removing one step worktree this project created: the git worktree, its directory, its manifest, and — when no
// other worktree of the run still uses it — its branch.

import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { gitFailure } from './git.js';
import type { WorktreeManifest } from './manifest.js';
import { manifestPathOf } from './names.js';
import { gitWithLockRetry } from './repo-queue.js';
import type { RegisteredWorktree } from './worktree-list.js';

/** Removes a worktree and its manifest. Call inside serializeForRepo. */
export async function removeWorktree(manifest: WorktreeManifest, repo: { cwd: string; gitBinary: string }, registered: readonly RegisteredWorktree[]): Promise<void> {
  if (registered.some((worktree) => worktree.path === manifest.path)) {
    const args = ['worktree', 'remove', '--force', '--force', manifest.path];
    const result = await gitWithLockRetry(args, repo);
    if (!result.ok) throw gitFailure(args, repo.cwd, result);
  }
  await rm(manifest.path, { recursive: true, force: true });
  await rm(manifestPathOf(manifest.path), { force: true });
  await rmdir(path.dirname(manifest.path)).catch(() => undefined); // the run directory, once empty
}

/** Deletes a branch if it exists and no registered worktree has it checked out. Returns whether it was deleted. */
export async function deleteBranchIfFree(branch: string, repo: { cwd: string; gitBinary: string }, registered: readonly RegisteredWorktree[]): Promise<boolean> {
  if (registered.some((worktree) => worktree.branch === `refs/heads/${branch}`)) return false;
  const args = ['branch', '--quiet', '-D', branch];
  const result = await gitWithLockRetry(args, repo);
  if (result.ok) return true;
  if (/branch '.*' not found/.test(result.stderr)) return false;
  throw gitFailure(args, repo.cwd, result);
}
