// Reading a file the project (or anyone with write access to it) controls: only a regular file is read. A FIFO left
// where a status, command, workflow or config file is expected would block a plain read forever (past every
// deadline, deaf to SIGTERM, since the read occupies a libuv worker); a device could stream without end; a directory
// fails with a confusing error. The file is opened with O_NONBLOCK (so opening a FIFO returns at once), checked with
// fstat on that same descriptor (no race between check and read), and refused unless it is a regular file.

import { constants, openSync, closeSync, fstatSync, readFileSync, type BigIntStats, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { TappsError } from '../errors.js';

const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** What a non-regular file is, in words; undefined for a regular file. */
export function kindOfNonRegular(info: Stats | BigIntStats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The error for `file` being `kind`: FILE_UNREADABLE, with `details.kind`; `details.errno` EISDIR for a directory. */
export function notRegularFileError(file: string, kind: string): TappsError {
  return new TappsError('FILE_UNREADABLE', `${file} is ${kind}, not a regular file; tapps-agents reads only regular files here. Remove it (or replace it with a regular file).`, {
    details: { file, kind, ...(kind === 'a directory' ? { errno: 'EISDIR' } : {}) },
  });
}

/** True for the error {@link readRegularFile} throws for a FIFO, device, directory or socket. */
export function isNotRegularFile(error: unknown): error is TappsError {
  return TappsError.is(error) && error.code === 'FILE_UNREADABLE' && typeof error.details.kind === 'string';
}

/**
 * Reads `file` as UTF-8 text (or bytes with `encoding: null`), refusing anything but a regular file.
 * A missing file throws the usual ENOENT error, so callers keep their "not there" handling.
 * @throws {TappsError} FILE_UNREADABLE when `file` is a FIFO, device, socket or directory (see {@link isNotRegularFile})
 */
export async function readRegularFile(file: string): Promise<string>;
export async function readRegularFile(file: string, encoding: null): Promise<Buffer>;
export async function readRegularFile(file: string, encoding: 'utf8' | null = 'utf8'): Promise<string | Buffer> {
  const handle = await open(file, READ_FLAGS);
  try {
    const kind = kindOfNonRegular(await handle.stat());
    if (kind !== undefined) throw notRegularFileError(file, kind);
    const bytes = await handle.readFile();
    return encoding === null ? bytes : bytes.toString('utf8');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** {@link readRegularFile}, with its modification time (from the same descriptor). */
export async function readRegularFileWithTime(file: string): Promise<{ text: string; mtimeMs: number }> {
  const handle = await open(file, READ_FLAGS);
  try {
    const info = await handle.stat();
    const kind = kindOfNonRegular(info);
    if (kind !== undefined) throw notRegularFileError(file, kind);
    return { text: (await handle.readFile()).toString('utf8'), mtimeMs: info.mtimeMs };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * {@link readRegularFile}, unless the file is still the version `known` names: `version` is its inode, size and
 * modification time in nanoseconds (from the same descriptor), and `text` is null when it equals `known`. For files
 * replaced by a rename on every write (a new inode each time), an unchanged version means unchanged content.
 */
export async function readRegularFileIfChanged(file: string, known?: string): Promise<{ text: string | null; version: string }> {
  const handle = await open(file, READ_FLAGS);
  try {
    const info = await handle.stat({ bigint: true });
    const kind = kindOfNonRegular(info);
    if (kind !== undefined) throw notRegularFileError(file, kind);
    const version = `${info.ino}:${info.size}:${info.mtimeNs}`;
    return { text: version === known ? null : (await handle.readFile()).toString('utf8'), version };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The synchronous {@link readRegularFile}, for the few reads that happen before anything async can run. */
export function readRegularFileSync(file: string): string {
  const fd = openSync(file, READ_FLAGS);
  try {
    const kind = kindOfNonRegular(fstatSync(fd));
    if (kind !== undefined) throw notRegularFileError(file, kind);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
