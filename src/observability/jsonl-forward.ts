// Streams the lines of a JSON-lines file from start to end through two reusable buffers: the next chunk is read while
// the current one is split, and memory stays at two buffers however large the file. Measured ~6× faster than a read
// stream with a StringDecoder on 1,000,000 lines (docs/BENCHMARKS.md).

import { open } from 'node:fs/promises';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1024 * 1024;

/**
 * Calls `onLine` for every non-empty line of `file`, then resolves. `complete` is false only for a last line without a
 * newline (a torn or in-progress write). A missing file has no lines.
 */
export async function forEachLine(file: string, onLine: (text: string, complete: boolean) => void): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let pending: Promise<{ bytesRead: number; buffer: Buffer }> | undefined;
  try {
    const buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    let current: 0 | 1 = 0;
    // The start of a line whose end lies in a later chunk.
    let carry: Buffer[] = [];
    pending = handle.read(buffers[current], 0, CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) {
        pending = undefined;
        break;
      }
      current = current === 0 ? 1 : 0;
      pending = handle.read(buffers[current], 0, CHUNK_BYTES, null);
      let start = 0;
      let newline = buffer.indexOf(NEWLINE, 0);
      if (carry.length > 0 && newline !== -1 && newline < bytesRead) {
        const line = Buffer.concat([...carry, buffer.subarray(0, newline)]).toString('utf8');
        carry = [];
        if (line.length > 0) onLine(line, true);
        start = newline + 1;
        newline = buffer.indexOf(NEWLINE, start);
      }
      while (newline !== -1 && newline < bytesRead) {
        if (newline > start) onLine(buffer.toString('utf8', start, newline), true);
        start = newline + 1;
        newline = buffer.indexOf(NEWLINE, start);
      }
      // Copy the unfinished tail: this buffer is refilled two reads from now.
      if (start < bytesRead) carry.push(Buffer.from(buffer.subarray(start, bytesRead)));
    }
    const rest = Buffer.concat(carry).toString('utf8');
    if (rest.trim() !== '') onLine(rest, false);
  } finally {
    // When onLine threw, a read may still be in flight: let it settle before closing.
    await pending?.catch(() => undefined);
    await handle.close();
  }
}
