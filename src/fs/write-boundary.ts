// Nothing is written outside the project: before a file is created, replaced or appended to, the directory it goes in
// must resolve (symbolic links followed) to a place inside the project. A repository that ships `.tapps-agents/audit`
// as a link to `~` must not make every run append to a file there (docs/reliability.md, "Writes stay inside").

import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { isPathInside } from './path-inside.js';
import { makeDirectory } from './storage-error.js';

const STATE_DIR_SEGMENT = `${path.sep}.tapps-agents${path.sep}`;

/**
 * The project a file under `<project>/.tapps-agents/` belongs to, or undefined for any other file. This is the
 * boundary of every file the product keeps (state, events, status, metrics, audit, logs) without the caller naming it.
 */
export function projectOfStateFile(file: string): string | undefined {
  const resolved = path.resolve(file);
  const at = resolved.lastIndexOf(STATE_DIR_SEGMENT);
  return at <= 0 ? undefined : resolved.slice(0, at);
}

/** The real path of `dir`, or of its nearest existing ancestor when it does not exist yet. */
async function realNearest(dir: string): Promise<string> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      return await realpath(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(current);
      // ENOENT: not there yet; ENOTDIR: a file where a directory is wanted — let the write report it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) throw error;
      current = parent;
    }
  }
}

/**
 * Checks that `dir` (or the part of it that exists) resolves inside `root`.
 * @throws {TappsError} OUTSIDE_PROJECT naming the link that leads out.
 */
export async function checkDirectoryInside(dir: string, root: string): Promise<void> {
  const [realDir, realRoot] = await Promise.all([realNearest(dir), realNearest(root)]);
  if (!isPathInside(realRoot, realDir)) {
    throw new TappsError(
      'OUTSIDE_PROJECT',
      `Refusing to write in ${dir}: it resolves to ${realDir}, outside the project ${root} (a symbolic link leads out). Replace the link with a directory.`,
      { details: { dir, resolved: realDir, root } },
    );
  }
}

/**
 * The boundary a write to `file` must respect: `within` when given, else the project of a file under `.tapps-agents/`.
 * Checks it (when there is one) before anything is created.
 * @throws {TappsError} OUTSIDE_PROJECT
 */
export async function checkWriteTarget(file: string, within?: string): Promise<void> {
  const root = within ?? projectOfStateFile(file);
  if (root !== undefined) await checkDirectoryInside(path.dirname(file), root);
}

/**
 * Creates `dir` (and missing parents) after checking that it stays inside `within` (or its project, see
 * {@link projectOfStateFile}).
 * @throws {TappsError} OUTSIDE_PROJECT; STORAGE_FAILED when the file system refuses (read-only, permissions)
 */
export async function makeDirectoryInside(dir: string, mode: number, within?: string): Promise<void> {
  const root = within ?? projectOfStateFile(path.join(dir, 'x'));
  if (root !== undefined) await checkDirectoryInside(dir, root);
  await makeDirectory(dir, mode);
}
