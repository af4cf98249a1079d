// Writes protocol files atomically: a temporary file beside the target, then rename, so a reader never sees a torn
// file. Durable writes (command files) fsync before the rename; status files do not (see writeStatusFile).
// Lighter than write-file-atomic, whose extra system calls dominated handoff time here.

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Atomically replaces `file` with `content` (mode 0600; parent directories created 0700). */
export async function writeProtocolFile(file: string, content: string, options: { durable: boolean }): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(tmp, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    handle = await open(tmp, 'wx', 0o600);
  }
  try {
    await handle.writeFile(content, 'utf8');
    if (options.durable) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}
