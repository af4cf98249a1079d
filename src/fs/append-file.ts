// Appending records to a JSON-lines file (events, metrics, audit log) safely: never through a symbolic link (the
// final name is opened with O_NOFOLLOW, the directory checked to be inside the project), and never glued onto a torn
// last line left by a process killed mid-write (the first record then starts on a fresh line).

import { type Stats, statSync, writeSync } from 'node:fs';
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
  /** The file opened (its stat right after the open): its device and inode tell whether a path still names it. */
  info: Stats;
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
    const info = await handle.stat();
    const kind = kindOfNonRegular(info);
    if (kind !== undefined) throw notRegularFileError(file, kind);
    return { handle, lead: await endsMidLine(handle, info.size) ? '\n' : '', info };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** True when the file is not empty and its last byte is not a newline. */
async function endsMidLine(handle: FileHandle, size: number): Promise<boolean> {
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

/** Options of {@link createAppendWriter}. */
export interface AppendWriterOptions {
  mode: number;
  dirMode: number;
  /** The directory the files must stay in; @default their project for files under `.tapps-agents/` */
  within?: string;
  /** Quiet time after which the descriptor is closed. @default 1000 ms */
  idleMs?: number;
  /** True when `file` (its current stat) cannot take `bytes` more: it is then closed and {@link rotate} called. */
  full?: (info: Stats, bytes: number) => boolean;
  /** Makes room (renames the full file away); the file is reopened (created) after it. */
  rotate?: (bytes: number) => Promise<void>;
}

/** Appends records to JSON-lines files through one descriptor kept open between records. */
export interface AppendWriter {
  /**
   * Appends `text` (whole lines) to `file` in one write, after the writes queued before it. Lines queued while a write
   * is in flight go out together in the next write when they are for the same file.
   * @throws {TappsError} OUTSIDE_PROJECT (see {@link openForAppend})
   */
  append(file: string, text: string): Promise<void>;
  /** Closes the descriptor held (the next append reopens). */
  close(): Promise<void>;
}

/**
 * An appender that keeps the last file's descriptor open while records keep coming (closed after `idleMs` of quiet),
 * instead of a boundary check, open, stat, read of the last byte and close per record. Before every write the path is
 * stat'd, links followed: when it no longer names the file held open (rotated or pruned away, replaced, or a link put
 * in its place) the descriptor is closed and the path opened again through {@link openForAppend} and its checks, so a
 * record never goes to a file that was renamed away, and never through a link out of the project.
 */
export function createAppendWriter(options: AppendWriterOptions): AppendWriter {
  let held: { file: string; handle: FileHandle; dev: number; ino: number; lead: string } | undefined;
  let closeTimer: NodeJS.Timeout | undefined;
  const queue: { file: string; text: string; done: (error?: Error) => void }[] = [];
  let draining = false;
  let drained: Promise<void> = Promise.resolve();

  async function closeHeld(): Promise<void> {
    clearTimeout(closeTimer);
    const current = held;
    held = undefined;
    await current?.handle.close().catch(() => undefined);
  }

  async function writeAtEnd(file: string, text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    // Synchronous, as the write boundary's stat (src/fs/write-boundary.ts): microseconds, before every record.
    let info = statIfExists(file);
    if (info !== undefined && options.full?.(info, bytes) === true) {
      await closeHeld();
      await options.rotate?.(bytes);
      info = undefined;
    }
    if (held === undefined || held.file !== file || info === undefined || info.ino !== held.ino || info.dev !== held.dev) {
      await closeHeld();
      const opened = await openForAppend(file, options);
      held = { file, handle: opened.handle, dev: opened.info.dev, ino: opened.info.ino, lead: opened.lead };
    }
    // One write on an O_APPEND descriptor: lines from concurrent processes never interleave. Synchronous, as the stat
    // above: the page cache answers in microseconds, less CPU than a round trip through the thread pool.
    writeSync(held.handle.fd, `${held.lead}${text}`);
    held.lead = '';
  }

  async function drain(): Promise<void> {
    draining = true;
    clearTimeout(closeTimer);
    while (queue.length > 0) {
      const file = (queue[0] as (typeof queue)[number]).file;
      let count = 1;
      while (count < queue.length && (queue[count] as (typeof queue)[number]).file === file) count++;
      const batch = queue.splice(0, count);
      try {
        await writeAtEnd(file, batch.map((item) => item.text).join(''));
        for (const item of batch) item.done();
      } catch (error) {
        await closeHeld();
        for (const item of batch) item.done(error instanceof Error ? error : new Error(String(error)));
      }
    }
    draining = false;
    // Unref'd: an idle process is not kept alive, and its descriptor is closed by the system when it exits.
    closeTimer = setTimeout(() => void closeHeld(), options.idleMs ?? 1000).unref();
  }

  return {
    append(file, text) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ file, text, done: (error) => (error === undefined ? resolve() : reject(error)) });
        if (!draining) drained = drain();
      });
    },
    async close() {
      // After the queued records: a close never cuts one off.
      await drained;
      await closeHeld();
    },
  };
}

/** The stat of `file` (links followed); undefined when it does not exist. */
function statIfExists(file: string): Stats | undefined {
  return statSync(file, { throwIfNoEntry: false });
}
