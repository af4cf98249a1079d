// One git repository, one worktree operation at a time: concurrent `git worktree add` calls race on the repository's
// shared admin files (.git/config.lock, commondir) and fail now and then. Operations on a repository are queued in
// this process, and a failure caused by a lock (another process's git) is retried with backoff.

import { setTimeout as sleep } from 'node:timers/promises';
import { git, isLockError, type GitOptions, type GitResult } from './git.js';

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` after every earlier task queued for the same repository (its git common directory) has settled.
 * @param repoKey the absolute git common directory, so all worktrees of one repository share a queue
 */
export function serializeForRepo<T>(repoKey: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(repoKey) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(repoKey, settled);
  void settled.then(() => {
    if (queues.get(repoKey) === settled) queues.delete(repoKey);
  });
  return next;
}

/** Retry policy for lock errors. */
export interface LockRetryOptions {
  /** Tries in all. @default 6 */
  attempts?: number;
  /** First wait; doubles each time, with jitter. @default 50 */
  initialDelayMs?: number;
}

/** Runs a git command, retrying while it fails on a lock held by another git process. */
export async function gitWithLockRetry(args: readonly string[], options: GitOptions, retry: LockRetryOptions = {}): Promise<GitResult> {
  const attempts = retry.attempts ?? 6;
  let delay = retry.initialDelayMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    const result = await git(args, options);
    if (!isLockError(result) || attempt >= attempts) return result;
    await sleep(delay + Math.floor(Math.random() * delay));
    delay *= 2;
  }
}
