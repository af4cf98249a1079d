// Appending records to a JSON-lines file (events, metrics, audit log) safely: never through a symbolic link (the
// final name is opened with O_NOFOLLOW, the directory checked to be inside the project), and never glued onto a torn
// last line left by a process killed mid-write (the first record then starts on a fresh line).

import { constants, type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { checkWriteTarget, makeDirectoryInside } from './write-boundary.js';
import { kindOfNonRegular, notRegularFileError } from './read-regular-file.js';

// O_RDWR, not O_WRONLY: the last byte is read to see whether the file ends mid-line.
// O_NONBLOCK: opening a FIFO (which the check below then refuses) never waits for a reader.
const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** An open append-only file, and what must precede the first record. */
export interface AppendTarget {
  handle: FileHandle;
  /** `"\n"` when the file's last byte is not a newline (a torn last line), else `""`. */
  lead: string;
}

/**
 * Opens `file` for appending (created with `mode`, parent directories with `dirMode`).
 * @param within the directory the file must stay in; @default its project for a file under `.tapps-agents/`
 * @throws {TappsError} OUTSIDE_PROJECT when `file` is a symbolic link, or its directory resolves outside
 */
export async function openForAppend(file: string, options: { mode: number; dirMode: number; within?: string }): Promise<AppendTarget> {
  await checkWriteTarget(file, options.within);
  let handle: FileHandle;
  try {
    handle = await open(file, APPEND_FLAGS, options.mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new TappsError('OUTSIDE_PROJECT', `Refusing to append to ${file}: it is a symbolic link. Remove the link; tapps-agents creates the file itself.`, { cause: error, details: { file } });
    }
    if (code !== 'ENOENT') throw error;
    await makeDirectoryInside(path.dirname(file), options.dirMode, options.within);
    handle = await open(file, APPEND_FLAGS, options.mode);
  }
  try {
    // A FIFO opened read-write never blocks the open, but every write blocks once its pipe is full: refuse it (and any
    // device or directory) before writing.
    const kind = kindOfNonRegular(await handle.stat());
    if (kind !== undefined) throw notRegularFileError(file, kind);
    return { handle, lead: await endsMidLine(handle) ? '\n' : '' };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** True when the file is not empty and its last byte is not a newline. */
async function endsMidLine(handle: FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

/**
 * Appends `line` (ending in a newline) to `file` in one write, on a fresh line.
 * @throws {TappsError} OUTSIDE_PROJECT (see {@link openForAppend})
 */
export async function appendLine(file: string, line: string, options: { mode: number; dirMode: number; within?: string }): Promise<void> {
  const { handle, lead } = await openForAppend(file, options);
  try {
    // One write on an O_APPEND descriptor: lines from concurrent processes never interleave.
    await handle.write(`${lead}${line}`);
  } finally {
    await handle.close();
  }
}
