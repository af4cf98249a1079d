// `history`: the newest execution records first, read from the end of the newest daily files, so asking for the last
// 50 of a million records reads a few 64 KiB chunks.

import { parseExecutionRecord } from './execution-record.js';
import { newestMatching } from './jsonl-reverse.js';
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
  const files = (await metricsFilesSince(metricsDir, query.since)).map(({ file }) => file);
  const { found, unreadable } = await newestMatching(files, parseExecutionRecord, (record) => matchesFilter(record, query), query.limit ?? 20);
  return { records: found, unreadable };
}
