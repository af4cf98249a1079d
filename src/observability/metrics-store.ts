// The metrics store: appends one JSON line per step attempt to the day's file, answers history and summary queries,
// and prunes days older than the retention.

import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { createAppendWriter } from '../fs/append-file.js';
import type { HistoryQuery, HistoryResult } from './metrics-history.js';
import { listMetricsFiles, metricsFileName } from './metrics-files.js';
import type { MetricsSummary } from './metrics-summary.js';
import { DIR_MODE, FILE_MODE, observabilityPaths } from './layout.js';
import type { ExecutionRecord } from './observer.js';
import type { RecordFilter } from './record-filter.js';
import { redactValue } from '../redaction/redact.js';

/** Longest error message kept in a record; longer ones are cut so every line stays one small write. */
export const MAX_ERROR_MESSAGE_CHARS = 4000;
/** Longest command kept in a record. */
export const MAX_COMMAND_CHARS = 4000;

/** What `prune` removed. */
export interface PruneResult {
  retentionDays: number;
  /** The first day kept ("YYYY-MM-DD"). */
  keptFrom: string;
  deleted: string[];
}

/** Reads and writes a project's metrics files. */
export interface MetricsStore {
  readonly dir: string;
  /** Appends one record (strings redacted, long texts cut) as one line of the day's file, in a single write. */
  append(record: Omit<ExecutionRecord, 'schemaVersion' | 'ts'>, now?: Date): Promise<ExecutionRecord>;
  /** The newest records first, reading files from their end. */
  history(query?: HistoryQuery): Promise<HistoryResult>;
  /** Totals, rates and percentiles, streamed over the files with constant memory. */
  summarize(filter?: RecordFilter): Promise<MetricsSummary>;
  /** Deletes the daily files of days before `now − retentionDays`. */
  prune(retentionDays: number, now?: Date): Promise<PruneResult>;
  /** Closes the descriptor kept open between appends (also closed by itself after a second of quiet). */
  close(): Promise<void>;
}

/** The metrics store of the project at `projectRoot`. Nothing is created until the first append. */
export function createMetricsStore(projectRoot: string): MetricsStore {
  const dir = observabilityPaths(projectRoot).metricsDir;
  // Never through a link out of the project, on a fresh line after a torn one, and one descriptor kept open across
  // records: reopened when the day's file changes, or the file was pruned or replaced (src/fs/append-file.ts).
  const writer = createAppendWriter({ mode: FILE_MODE, dirMode: DIR_MODE, within: projectRoot });
  return {
    dir,
    close: () => writer.close(),
    async append(input, now = new Date()) {
      const record: ExecutionRecord = redactValue({
        schemaVersion: 1,
        ts: now.toISOString(),
        ...input,
        command: cut(input.command, MAX_COMMAND_CHARS),
        error_message: input.error_message === null ? null : cut(input.error_message, MAX_ERROR_MESSAGE_CHARS),
      });
      await writer.append(path.join(dir, metricsFileName(record.completed_at)), `${JSON.stringify(record)}\n`);
      return record;
    },
    // The query code (and its worker thread) loads only when asked: most processes only append.
    history: async (query = {}) => (await import('./metrics-history.js')).metricsHistory(dir, query),
    summarize: async (filter = {}) => (await import('./metrics-summary.js')).summarizeMetrics(dir, filter),
    async prune(retentionDays, now = new Date()) {
      const keptFrom = new Date(now.getTime() - retentionDays * 86_400_000).toISOString().slice(0, 10);
      const deleted: string[] = [];
      for (const file of await listMetricsFiles(dir)) {
        if (file.day >= keptFrom) continue;
        await unlink(file.file).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        });
        deleted.push(path.basename(file.file));
      }
      return { retentionDays, keptFrom, deleted: deleted.sort() };
    },
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
