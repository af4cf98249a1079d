// Durable file replacement: write a temporary file beside the target, fsync it, then rename it over the target.
// A reader sees the old content or the new one, never a torn mix, even if the process is killed mid-write.

import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export interface AtomicWriteOptions {
  /** File mode of the result. @default 0o600 */
  mode?: number;
  /** Mode of parent directories created on the way. @default 0o700 */
  dirMode?: number;
}

/** Atomically writes `content` to `file`, creating parent directories. */
export async function writeFileAtomically(file: string, content: string, options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: options.dirMode ?? 0o700 });
  await writeFileAtomic(file, content, { mode: options.mode ?? 0o600, fsync: true });
}

/**
 * Creates `file` with `content` only if nothing is there yet (checked and created in one step, so two writers never
 * both succeed). Returns false, writing nothing, when the file exists.
 */
export async function createFileIfAbsent(file: string, content: string, mode = 0o644): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  let handle;
  try {
    handle = await open(file, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}
