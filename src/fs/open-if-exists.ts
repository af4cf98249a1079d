// Opening a file that may not exist yet (a day with no metrics, a log not rotated yet) without treating that as an error.

import { open, type FileHandle } from 'node:fs/promises';

/** Opens `file` for reading; undefined when it does not exist. Other errors are thrown. */
export async function openIfExists(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
