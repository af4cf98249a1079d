// `git worktree list --porcelain`, parsed: every worktree git knows in a repository, with its branch.

import { realpath } from 'node:fs/promises';
import { gitOutput, type GitOptions } from './git.js';

/** One worktree registered with git. */
export interface RegisteredWorktree {
  /** Absolute path (symlinks resolved when the directory exists). */
  path: string;
  head?: string;
  /** Full ref, e.g. refs/heads/tapps/run/step; absent when detached. */
  branch?: string;
  /** git reports its directory as missing. */
  prunable: boolean;
}

/** Lists the repository's worktrees. */
export async function listRegisteredWorktrees(options: GitOptions): Promise<RegisteredWorktree[]> {
  const text = await gitOutput(['worktree', 'list', '--porcelain'], options);
  const worktrees: RegisteredWorktree[] = [];
  let current: RegisteredWorktree | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('worktree ')) {
      current = { path: line.slice('worktree '.length), prunable: false };
      worktrees.push(current);
    } else if (current !== undefined) {
      if (line.startsWith('HEAD ')) current.head = line.slice(5);
      else if (line.startsWith('branch ')) current.branch = line.slice(7);
      else if (line.startsWith('prunable')) current.prunable = true;
    }
  }
  for (const worktree of worktrees) {
    try {
      worktree.path = await realpath(worktree.path);
    } catch {
      // Gone: keep git's path.
    }
  }
  return worktrees;
}
