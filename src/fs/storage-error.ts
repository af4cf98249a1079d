// A write the file system refuses (read-only, permissions, full disk) is an expected failure, not a bug: it becomes one
// STORAGE_FAILED error (exit 1) that names the path and the reason in words, never an errno stack trace (exit 70).

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../errors.js';

const REASONS: Readonly<Record<string, string>> = {
  EROFS: 'the file system is read-only (EROFS)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  ENOSPC: 'no space left on device (ENOSPC)',
  EDQUOT: 'disk quota exceeded (EDQUOT)',
  ENOTDIR: 'a file is in the way of a directory (ENOTDIR)',
};

/** The reason of a refused write in words, or undefined when `error` is not one the file system refuses. */
export function storageReason(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? undefined : REASONS[code];
}

/** `error` as STORAGE_FAILED when the file system refused to `action` `target` (e.g. "create", "write"); else itself. */
export function asStorageError(error: unknown, action: string, target: string): unknown {
  const reason = storageReason(error);
  if (reason === undefined) return error;
  return new TappsError('STORAGE_FAILED', `Cannot ${action} ${target}: ${reason}. tapps-agents keeps its state and logs in the project's .tapps-agents directory; make it writable, then run the command again.`, {
    cause: error,
    details: { path: target, reason },
  });
}

/**
 * Creates `dir` with its parents. A recursive mkdir under a read-only mount reports ENOENT rather than the cause: the
 * first missing directory is then created alone, which reports the real error (EROFS, EACCES, …).
 * @returns true when `dir` itself was created (it was not there), false when it existed
 * @throws {TappsError} STORAGE_FAILED when the file system refuses
 */
export async function makeDirectory(dir: string, mode: number): Promise<boolean> {
  try {
    return (await mkdir(dir, { recursive: true, mode })) !== undefined;
  } catch (error) {
    let cause = error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') cause = (await firstMissingError(dir)) ?? error;
    throw asStorageError(cause, 'create the directory', dir);
  }
}

/** The error of creating the first missing directory on the way to `dir` alone, or undefined when that works. */
async function firstMissingError(dir: string): Promise<unknown> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      await mkdir(current, { mode: 0o700 });
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(current);
      if (code !== 'ENOENT' || parent === current) return error;
      current = parent;
    }
  }
}
