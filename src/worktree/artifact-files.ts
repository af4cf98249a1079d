// The files behind an artifact path (a file, or every file under a directory), their content hashes, and copying
// one file between trees without following symlinks out of them.

import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, readdir, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { isNotRegularFile, readRegularFile } from '../fs/read-regular-file.js';

/** Files never treated as step outputs: the file protocol's own files and git's metadata. */
export function isProtocolFile(relativeFile: string): boolean {
  const base = path.posix.basename(relativeFile);
  return base.startsWith('.cursor-skill-') || relativeFile.split('/').includes('.git');
}

/**
 * Lists the regular files an artifact path stands for, relative to `root` with forward slashes: the file itself,
 * or every file below a directory. A missing path gives an empty list.
 * @throws {TappsError} CONFLICT when the path is or contains a symbolic link (it could point outside the tree)
 */
export async function listArtifactFiles(root: string, artifact: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    const absolute = path.join(root, relative);
    let stats;
    try {
      stats = await lstat(absolute);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (stats.isSymbolicLink()) {
      throw new TappsError('CONFLICT', `Artifact ${relative} in ${root} is a symbolic link; tapps-agents copies only regular files. Replace the link with the file it points to.`);
    }
    if (stats.isDirectory()) {
      for (const entry of (await readdir(absolute)).sort()) await visit(path.posix.join(relative, entry));
    } else if (stats.isFile() && !isProtocolFile(relative)) {
      found.push(relative);
    }
  };
  await visit(artifact);
  return found;
}

/** The sha256 of a file's content, or null when there is no regular file there. */
export async function hashFile(file: string): Promise<string | null> {
  try {
    return createHash('sha256').update(await readRegularFile(file, null)).digest('hex');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' || isNotRegularFile(error)) return null;
    throw error;
  }
}

/**
 * Copies `fromRoot/relative` over `toRoot/relative` atomically (temp file + rename), keeping the file mode.
 * Refuses when the destination's directory resolves outside `toRoot` (a symlinked parent).
 */
export async function copyTreeFile(fromRoot: string, toRoot: string, relative: string): Promise<void> {
  const source = path.join(fromRoot, relative);
  const target = path.join(toRoot, relative);
  await mkdir(path.dirname(target), { recursive: true });
  const realRoot = await realpath(toRoot);
  const realParent = await realpath(path.dirname(target));
  if (realParent !== realRoot && !realParent.startsWith(realRoot + path.sep)) {
    throw new TappsError('CONFLICT', `Refusing to write ${relative}: its directory resolves to ${realParent}, outside ${toRoot}.`);
  }
  const temporary = `${target}.tapps-${process.pid}-${Date.now().toString(36)}.tmp`;
  try {
    await copyFile(source, temporary);
    await chmod(temporary, (await lstat(source)).mode & 0o777);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
