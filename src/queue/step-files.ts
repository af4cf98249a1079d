// Files travelling with a step job or its result: read from a tree (regular files only, never through a link out of
// it) and written into one (paths checked to stay inside), as base64 so any byte survives JSON.

import { chmod, lstat, mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkDirectoryInside } from '../fs/write-boundary.js';
import { joinInside } from '../fs/path-inside.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { listArtifactFiles } from '../worktree/artifact-files.js';

/** One file as it travels. */
export interface TravellingFile {
  path: string;
  content_base64: string;
  executable?: boolean | undefined;
}

/** The files behind `paths` (files, or every file below a directory) under `root`, relative with "/"; missing ones are skipped. */
export async function readTravellingFiles(root: string, paths: readonly string[]): Promise<TravellingFile[]> {
  const seen = new Set<string>();
  const files: TravellingFile[] = [];
  for (const wanted of paths) {
    const relative = path.isAbsolute(wanted) ? path.relative(root, wanted) : wanted;
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    for (const file of await listArtifactFiles(root, relative.split(path.sep).join('/')).catch(() => [])) {
      if (seen.has(file)) continue;
      seen.add(file);
      const absolute = path.join(root, file);
      const [bytes, info] = await Promise.all([readRegularFile(absolute, null), lstat(absolute)]);
      files.push({ path: file, content_base64: bytes.toString('base64'), ...((info.mode & 0o111) !== 0 ? { executable: true } : {}) });
    }
  }
  return files;
}

/** Bytes the files take once decoded. */
export function travellingBytes(files: readonly TravellingFile[]): number {
  return files.reduce((sum, file) => sum + Buffer.byteLength(file.content_base64, 'base64'), 0);
}

/**
 * Writes `files` below `root`, creating directories; with `modifiedAt`, each file's modification time is set to it
 * (a worker stamps a job's input files in the past, so what the step writes stands out from what it was given).
 * @throws {TappsError} USAGE for a path that leaves `root`; OUTSIDE_PROJECT for one that a symbolic link leads out of it.
 */
export async function writeTravellingFiles(root: string, files: readonly TravellingFile[], options: { modifiedAt?: Date } = {}): Promise<void> {
  for (const file of files) {
    const target = joinInside(root, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await checkDirectoryInside(path.dirname(target), root);
    await writeFile(target, Buffer.from(file.content_base64, 'base64'));
    if (file.executable === true) await chmod(target, 0o755);
    if (options.modifiedAt !== undefined) await utimes(target, options.modifiedAt, options.modifiedAt);
  }
}
