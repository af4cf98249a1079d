// Filters shared by history, metrics and audit queries: workflow id, status, and "since" (an ISO time or "24h"/"7d").

import { durationTooLong, parseDuration } from '../config/duration.js';
import { TappsError } from '../errors.js';
import { EXECUTION_STATUSES } from './execution-record.js';
import type { ExecutionRecord, ExecutionStatus } from './observer.js';

/** What a metrics query keeps. Every field is optional; an empty filter keeps everything. */
export interface RecordFilter {
  workflowId?: string;
  status?: ExecutionStatus;
  /** Keep records completed at or after this time. */
  since?: Date;
}

/**
 * Turns `--since` text into a time: an ISO-8601 time ("2026-11-23", "2026-11-23T10:00:00Z") or a duration back from
 * `now` ("90m", "24h", "7d").
 * @throws {TappsError} USAGE when the text is neither.
 */
export function parseSince(text: string, now: Date = new Date()): Date {
  const duration = parseDuration(text);
  if (duration !== undefined) {
    // Past the cap the time would be out of Date's range (a RangeError): a usage error instead.
    const tooLong = durationTooLong(duration);
    if (tooLong !== undefined) throw new TappsError('USAGE', `--since "${text}" reaches too far back: a duration must be ${tooLong}; give an ISO time like "2026-01-01" for older records`);
    return new Date(now.getTime() - duration);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const time = new Date(text);
    if (!Number.isNaN(time.getTime())) return time;
  }
  throw new TappsError('USAGE', `--since expects an ISO time like "2026-11-23T10:00:00Z" or a duration like "24h" or "7d", got "${text}"`);
}

/**
 * Checks `--status` text against the status vocabulary.
 * @throws {TappsError} USAGE when it is not one of success, failed, timeout, cancelled, skipped.
 */
export function parseStatusFilter(text: string): ExecutionStatus {
  if ((EXECUTION_STATUSES as readonly string[]).includes(text)) return text as ExecutionStatus;
  throw new TappsError('USAGE', `--status expects one of ${EXECUTION_STATUSES.join(', ')}, got "${text}"`);
}

/** True when `record` passes `filter`. */
export function matchesFilter(record: Pick<ExecutionRecord, 'workflow_id' | 'status' | 'completed_at'>, filter: RecordFilter): boolean {
  if (filter.workflowId !== undefined && record.workflow_id !== filter.workflowId) return false;
  if (filter.status !== undefined && record.status !== filter.status) return false;
  if (filter.since !== undefined && Date.parse(record.completed_at) < filter.since.getTime()) return false;
  return true;
}
