// Counts of a set of executions (total, by status, how many ran, their summed duration): one per summary, per
// agent/action pair and per time bucket. As plain data it crosses between worker threads.

import { EXECUTION_STATUSES } from './execution-record.js';
import type { StatusCounts } from './metrics-summary-result.js';
import type { SummaryFields } from './summary-fields.js';

/** A tally as plain data, to send between threads. */
export interface TallyData {
  total: number;
  byStatus: StatusCounts;
  ran: number;
  durationSum: number;
}

export class Tally implements TallyData {
  total = 0;
  byStatus: StatusCounts = emptyStatusCounts();
  ran = 0;
  durationSum = 0;

  add(record: Pick<SummaryFields, 'status' | 'duration_ms'>): void {
    this.total++;
    this.byStatus[record.status]++;
    if (record.status === 'skipped') return;
    this.ran++;
    this.durationSum += record.duration_ms;
  }

  merge(other: TallyData): void {
    this.total += other.total;
    this.ran += other.ran;
    this.durationSum += other.durationSum;
    for (const status of EXECUTION_STATUSES) this.byStatus[status] += other.byStatus[status];
  }

  data(): TallyData {
    return { total: this.total, byStatus: { ...this.byStatus }, ran: this.ran, durationSum: this.durationSum };
  }

  successRate(): number | null {
    return this.ran === 0 ? null : this.byStatus.success / this.ran;
  }

  averageDuration(): number | null {
    return this.ran === 0 ? null : this.durationSum / this.ran;
  }
}

export function emptyStatusCounts(): StatusCounts {
  return Object.fromEntries(EXECUTION_STATUSES.map((status) => [status, 0])) as StatusCounts;
}

/** Whole milliseconds (percentiles are estimates; fractions would suggest false precision). */
export function roundMs(value: number | null | undefined): number | null {
  return value === undefined || value === null ? null : Math.round(value);
}
