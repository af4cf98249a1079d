// Nothing is written outside the project: before a file is created, replaced or appended to, the directory it goes in
// must resolve (symbolic links followed) to a place inside the project. A repository that ships `.tapps-agents/audit`
// as a link to `~` must not make every run append to a file there (docs/reliability.md, "Writes stay inside").

import { lstatSync, type Stats, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
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

/** What identifies a directory: the same device, inode number and birth time is the same directory. */
interface DirectoryIdentity {
  dev: number;
  ino: number;
  birthtimeMs: number;
}

// Per process: the real path of each boundary, and each directory already found inside it (keyed by boundary and
// directory) with the identity it had then. A cached directory is confirmed with one stat, links followed: unchanged,
// every path to it still ends in the directory that was checked (docs/decisions.md, "The write boundary checks a
// directory once per process").
const realRoots = new Map<string, Promise<string>>();
const verified = new Map<string, DirectoryIdentity>();
/** Directories remembered at most; the oldest is forgotten first (a 10,000-step run checks a directory per step). */
const MAX_VERIFIED = 4096;

function sameIdentity(a: DirectoryIdentity | Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.birthtimeMs === b.birthtimeMs;
}

/** The real path of `root`, resolved once per process (a failure is not kept). */
function realRoot(root: string): Promise<string> {
  let found = realRoots.get(root);
  if (found === undefined) {
    found = realNearest(root);
    realRoots.set(root, found);
    found.catch(() => realRoots.delete(root));
  }
  return found;
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
 * Checks that `dir` (or the part of it that exists) resolves inside `root`. The first check of a directory resolves
 * it, links followed; later checks in the same process confirm with one stat that the path still leads to that same
 * directory, and resolve it again when it does not.
 * @throws {TappsError} OUTSIDE_PROJECT naming the link that leads out.
 */
export async function checkDirectoryInside(dir: string, root: string): Promise<void> {
  await checkNearestInside(dir, root);
}

/** {@link checkDirectoryInside}; returns the directory checked: `dir`, or its nearest existing ancestor. */
async function checkNearestInside(dir: string, root: string): Promise<string> {
  let current = path.resolve(dir);
  const boundary = path.resolve(root);
  let info: Stats;
  for (;;) {
    let found: Stats | undefined;
    try {
      // Synchronous: a stat answers from the inode cache in microseconds, a tenth of the CPU of a round trip through
      // the thread pool, and this one comes before every write (docs/decisions.md).
      found = statSync(current, { throwIfNoEntry: false });
    } catch (error) {
      // ENOTDIR: a file where a directory is wanted — let the write report it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    }
    if (found !== undefined) {
      info = found;
      break;
    }
    // Not there yet: its nearest existing ancestor is what a write or mkdir would go through.
    const parent = path.dirname(current);
    if (parent === current) throw new Error(`No directory of ${dir} exists, not even the root`);
    current = parent;
  }
  const key = `${boundary}\0${current}`;
  const known = verified.get(key);
  if (known !== undefined && sameIdentity(known, info)) return current;
  verified.delete(key);
  const [realDir, realBoundary] = await Promise.all([realNearest(current), realRoot(boundary)]);
  if (!isPathInside(realBoundary, realDir)) {
    throw new TappsError(
      'OUTSIDE_PROJECT',
      `Refusing to write in ${dir}: it resolves to ${realDir}, outside the project ${root} (a symbolic link leads out). Replace the link with a directory.`,
      { details: { dir, resolved: realDir, root } },
    );
  }
  // Kept only for a directory (a file where one is wanted is left to the write to report), and only when the path
  // still leads to the directory that was stat'd before it was resolved.
  if (!info.isDirectory()) return current;
  const after = await stat(realDir);
  if (sameIdentity(info, after)) remember(key, info);
  return current;
}

function remember(key: string, info: Stats): void {
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value as string);
  verified.set(key, { dev: info.dev, ino: info.ino, birthtimeMs: info.birthtimeMs });
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
 * @returns true when `dir` was not there and is now created, false when it existed
 * @throws {TappsError} OUTSIDE_PROJECT; STORAGE_FAILED when the file system refuses (read-only, permissions)
 */
export async function makeDirectoryInside(dir: string, mode: number, within?: string): Promise<boolean> {
  const root = within ?? projectOfStateFile(path.join(dir, 'x'));
  if (root === undefined) return makeDirectory(dir, mode);
  const target = path.resolve(dir);
  const checked = await checkNearestInside(target, root);
  const created = await makeDirectory(target, mode);
  // A directory made right in a checked one is inside too: remembered now (a directory, not a link put in its place),
  // so the first write into a new step directory costs a stat, not a realpath.
  if (checked !== target && checked === path.dirname(target)) {
    const info = lstatSync(target, { throwIfNoEntry: false });
    if (info?.isDirectory() === true) remember(`${path.resolve(root)}\0${target}`, info);
  }
  return created;
}
