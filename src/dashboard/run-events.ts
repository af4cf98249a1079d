// A run's events.jsonl read from a byte offset: the Run page's history at first, then only what was appended since
// (the live stream). Only whole lines are taken; a line being written is picked up on the next read.

import { open } from 'node:fs/promises';
import { runPaths } from '../protocol/run-paths.js';
import type { RunEvent } from '../workflow/run-state.js';

/** Events read, and the offset to read from next time. */
export interface EventsChunk {
  events: RunEvent[];
  offset: number;
}

/** Most bytes read at once (a run's whole history is far smaller; a huge one is read in turns). */
const MAX_READ = 4 * 1024 * 1024;

/** The complete lines of the run's events.jsonl after `offset`. A missing file is no events yet. */
export async function readRunEvents(projectRoot: string, runId: string, offset = 0): Promise<EventsChunk> {
  let handle;
  try {
    handle = await open(runPaths(projectRoot, runId).events, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], offset };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    // A file shorter than what was read (replaced by hand) is read again from the start.
    const from = size < offset ? 0 : offset;
    const length = Math.min(size - from, MAX_READ);
    if (length <= 0) return { events: [], offset: from };
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, from);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return { events: [], offset: from };
    const events: RunEvent[] = [];
    for (const line of text.slice(0, end).split('\n')) {
      try {
        const event = JSON.parse(line) as RunEvent;
        if (typeof event === 'object' && event !== null && typeof event.type === 'string') events.push(event);
      } catch {
        // A torn or edited line is skipped, as every reader of the JSONL files does.
      }
    }
    return { events, offset: from + Buffer.byteLength(text.slice(0, end + 1)) };
  } finally {
    await handle.close();
  }
}
