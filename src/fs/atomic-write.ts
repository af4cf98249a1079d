// Atomic file replacement: write a temporary file beside the target (fsync'd when durable), then rename it over the
// target. A reader sees the old content or the new one, never a torn mix, even if the process is killed mid-write.
// Our own ~20 lines rather than write-file-atomic: its realpath walk, stat, chown and chmod cost ten extra system calls
// per write, which dominated a no-op step (docs/decisions.md, "Atomic writes: our own helper").

import { closeSync, fsync, openSync, unlinkSync, writeFileSync, writevSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';
import { checkWriteTarget, makeDirectoryInside } from './write-boundary.js';
import { asStorageError, makeDirectory } from './storage-error.js';

export interface AtomicWriteOptions {
  /** File mode of the result (the process umask applies, as for any file created). @default 0o600 */
  mode?: number;
  /** Mode of parent directories created on the way. @default 0o700 */
  dirMode?: number;
  /**
   * fsync the content before the rename, so the new content survives a power failure, not only a killed process.
   * @default true
   */
  durable?: boolean;
  /**
   * The directory the file must stay inside (its directory is resolved, links followed, before anything is written).
   * @default the project, for a file under `<project>/.tapps-agents/`; no check for other files
   */
  within?: string;
}

/**
 * Atomically writes `content` (text, bytes, or pieces of bytes written in order) to `file`, creating parent directories
 * when they are missing. A symbolic link at `file` is replaced, not followed; a directory on the way that leads out of
 * the project (see {@link AtomicWriteOptions.within}) is refused before anything is created.
 * @throws {TappsError} OUTSIDE_PROJECT; STORAGE_FAILED when the file system refuses (read-only, full, permissions)
 */
export async function writeFileAtomically(file: string, content: string | Uint8Array | readonly Uint8Array[], options: AtomicWriteOptions = {}): Promise<void> {
  try {
    await replaceFile(file, content, options);
  } catch (error) {
    throw asStorageError(error, 'write', file);
  }
}

async function replaceFile(file: string, content: string | Uint8Array | readonly Uint8Array[], options: AtomicWriteOptions): Promise<void> {
  const mode = options.mode ?? 0o600;
  const durable = options.durable ?? true;
  await checkWriteTarget(file, options.within);
  // Unique among writers (pid, and a random part for writers in other pid namespaces); opened exclusively below. Not
  // node:crypto: loading it took ~5 ms of every short-lived process that writes a file.
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  // Open, write and close are synchronous: they go to the page cache in microseconds, where each round trip through
  // the thread pool cost ~25 µs of CPU. The fsync waits for the device and the rename for the file system's journal
  // (which another write's fsync may be committing: ~1.7 ms on the main thread, measured): both go to the pool
  // (docs/decisions.md, "Page-cache calls on the main thread, the waits in the pool").
  let fd;
  try {
    fd = openSync(tmp, 'wx', mode);
  } catch (error) {
    // The directory is created only when missing: one system call less for every write into an existing one.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // Through the boundary again (a stat of the nearest existing directory), so the new one is remembered as inside.
    await makeDirectoryInside(path.dirname(file), options.dirMode ?? 0o700, options.within);
    fd = openSync(tmp, 'wx', mode);
  }
  try {
    if (typeof content === 'string' || content instanceof Uint8Array) writeFileSync(fd, content);
    else writeAll(fd, content);
    if (durable) await fsyncOf(fd);
    // Before the rename: a close can still report a failed write (NFS), and a failed one renames nothing.
    closeSync(fd);
    fd = undefined;
    await rename(tmp, file);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Gone already, or the directory refuses: the write's own error is the one to report.
    }
    throw error;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The write's own error is the one to report.
  }
}

/** fsync through the thread pool: the one call of an atomic write that waits for the device. */
function fsyncOf(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error === null ? resolve() : reject(error))));
}

/**
 * Writes the pieces with one gathering write. A short write (the disk filled up part-way: the call then reports the
 * bytes it wrote, not the error) is finished with a plain write, which fails with the real error instead of leaving a
 * truncated file to be renamed into place.
 */
function writeAll(fd: number, pieces: readonly Uint8Array[]): void {
  const total = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
  const bytesWritten = writevSync(fd, [...pieces]);
  if (bytesWritten < total) writeFileSync(fd, Buffer.concat([...pieces]).subarray(bytesWritten));
}

/**
 * Creates `file` with `content` only if nothing is there yet (checked and created in one step, so two writers never
 * both succeed). Returns false, writing nothing, when the file exists.
 */
export async function createFileIfAbsent(file: string, content: string, mode = 0o644, within?: string): Promise<boolean> {
  await checkWriteTarget(file, within);
  await makeDirectory(path.dirname(file), 0o755);
  let handle;
  try {
    handle = await open(file, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw asStorageError(error, 'create', file);
  }
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}
