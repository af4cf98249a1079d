// Opening a file that may not exist yet (a day with no metrics, a log not rotated yet) without treating that as an error,
// and never a FIFO or device a hostile project put in its place (see read-regular-file.ts).

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { notRegularFileError, kindOfNonRegular } from './read-regular-file.js';

/**
 * Opens `file` for reading; undefined when it does not exist. Other errors are thrown.
 * @throws {TappsError} FILE_UNREADABLE when `file` is a FIFO, device, socket or directory
 */
export async function openIfExists(file: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const kind = kindOfNonRegular(await handle.stat().catch(async (error: unknown) => {
    await handle.close().catch(() => undefined);
    throw error;
  }));
  if (kind === undefined) return handle;
  await handle.close().catch(() => undefined);
  throw notRegularFileError(file, kind);
}
