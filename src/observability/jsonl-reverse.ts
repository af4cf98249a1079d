// Reads the lines of a JSON-lines file from its end, newest first, in fixed-size chunks: a query for the last 50 records
// of a 40 MB file reads a few chunks, not the file.

import path from 'node:path';
import { openIfExists } from '../fs/open-if-exists.js';

const NEWLINE = 0x0a;

/** One line read backwards, with whether it was complete (ended by a newline). */
export interface ReverseLine {
  text: string;
  /** False only for the last line of a file that does not end with a newline: a write in progress or a torn write. */
  complete: boolean;
}

/**
 * Yields the non-empty lines of `file` from last to first. A missing file yields nothing.
 * Lines are split on the newline byte, so multi-byte UTF-8 characters are never cut.
 * @param chunkSize bytes read per step. @default 65536
 */
export async function* readLinesBackwards(file: string, chunkSize = 64 * 1024): AsyncGenerator<ReverseLine> {
  const handle = await openIfExists(file);
  if (handle === undefined) return;
  try {
    let position = (await handle.stat()).size;
    // The start of the file's last line is not known until a newline before it is found.
    let trailing = true;
    // Bytes of a line whose beginning lies before the chunk read last.
    let carry = Buffer.alloc(0);
    const line = (buffer: Buffer, start: number, end: number): ReverseLine | undefined => {
      const complete = !trailing;
      trailing = false;
      if (end <= start) return undefined;
      const text = buffer.toString('utf8', start, end);
      return text.trim() === '' ? undefined : { text, complete };
    };
    while (position > 0) {
      const length = Math.min(chunkSize, position);
      position -= length;
      const chunk = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(chunk, 0, length, position);
      const buffer = carry.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([chunk.subarray(0, bytesRead), carry]);
      let end = buffer.length;
      let newline = end > 0 ? buffer.lastIndexOf(NEWLINE, end - 1) : -1;
      while (newline !== -1) {
        const found = line(buffer, newline + 1, end);
        if (found) yield found;
        end = newline;
        newline = end > 0 ? buffer.lastIndexOf(NEWLINE, end - 1) : -1;
      }
      if (position === 0) {
        const found = line(buffer, 0, end);
        if (found) yield found;
      } else {
        carry = buffer.subarray(0, end);
      }
    }
  } finally {
    await handle.close();
  }
}

/** The newest `limit` entries of `files` (each read from its end, files in the order given) that parse and match. */
export interface NewestMatching<T> {
  found: T[];
  /** Lines that did not parse, by file name (only those met before the limit was reached). */
  unreadable: Record<string, number>;
}

/**
 * Reads `files` newest first, keeping what `parse` accepts and `matches` keeps, until `limit` are found. Shared by the
 * metrics history and the audit query.
 */
export async function newestMatching<T>(files: Iterable<string>, parse: (line: string) => T | undefined, matches: (entry: T) => boolean, limit: number): Promise<NewestMatching<T>> {
  const found: T[] = [];
  const unreadable: Record<string, number> = {};
  if (limit <= 0) return { found, unreadable };
  for (const file of files) {
    for await (const line of readLinesBackwards(file)) {
      const entry = parse(line.text);
      if (entry === undefined) {
        const name = path.basename(file);
        unreadable[name] = (unreadable[name] ?? 0) + 1;
        continue;
      }
      if (!matches(entry)) continue;
      found.push(entry);
      if (found.length >= limit) return { found, unreadable };
    }
  }
  return { found, unreadable };
}
