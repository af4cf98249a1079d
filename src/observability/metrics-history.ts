// `history`: the newest execution records first, read from the end of the newest daily files, so asking for the last
// 50 of a million records reads a few 64 KiB chunks.

import path from 'node:path';
import { parseExecutionRecord } from './execution-record.js';
import { readLinesBackwards } from './jsonl-reverse.js';
import { metricsFilesSince } from './metrics-files.js';
import type { ExecutionRecord } from './observer.js';
import { matchesFilter, type RecordFilter } from './record-filter.js';

/** A history query. */
export interface HistoryQuery extends RecordFilter {
  /** Most records returned. @default 20 */
  limit?: number;
}

/** Lines that could not be read as records, by file name. */
export type UnreadableLines = Record<string, number>;

/** The records found, newest first, and the unreadable lines met on the way. */
export interface HistoryResult {
  records: ExecutionRecord[];
  /** Corrupt or torn lines skipped while reading, by file name (only those met before the limit was reached). */
  unreadable: UnreadableLines;
}

/**
 * Reads records newest first (by file day, then from the end of each file) until `limit` match the filter.
 * Within one day, order is the order lines were appended.
 */
export async function metricsHistory(metricsDir: string, query: HistoryQuery): Promise<HistoryResult> {
  const limit = query.limit ?? 20;
  const records: ExecutionRecord[] = [];
  const unreadable: UnreadableLines = {};
  if (limit <= 0) return { records, unreadable };
  for (const { file } of await metricsFilesSince(metricsDir, query.since)) {
    for await (const line of readLinesBackwards(file)) {
      const record = parseExecutionRecord(line.text);
      if (record === undefined) {
        const name = path.basename(file);
        unreadable[name] = (unreadable[name] ?? 0) + 1;
        continue;
      }
      if (!matchesFilter(record, query)) continue;
      records.push(record);
      if (records.length >= limit) return { records, unreadable };
    }
  }
  return { records, unreadable };
}
