// What `auto-execution metrics` shows: built by the accumulator (./summary-accumulator.ts) in each worker, merged and
// returned by ./metrics-summary.ts.

import type { UnreadableLines } from './metrics-history.js';
import type { ExecutionStatus } from './observer.js';

/** Counts per status; every status is present. */
export type StatusCounts = Record<ExecutionStatus, number>;

/** One agent/action pair. */
export interface AgentActionSummary {
  agent: string;
  action: string;
  total: number;
  by_status: StatusCounts;
  /** See {@link MetricsSummary.success_rate}. */
  success_rate: number | null;
  average_duration_ms: number | null;
  /** Token use and cost of this pair's records that reported them (as {@link MetricsSummary.usage}). */
  usage: UsageSummary;
}

/** One queue worker (host and pid) and the attempts it ran. */
export interface WorkerSummary {
  host: string;
  pid: number;
  total: number;
  by_status: StatusCounts;
  /** See {@link MetricsSummary.success_rate}. */
  success_rate: number | null;
  average_duration_ms: number | null;
}

/** Token use and cost summed over records that reported them. */
export interface UsageSummary {
  executions_with_usage: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** What `auto-execution metrics` shows. */
export interface MetricsSummary {
  total_executions: number;
  /**
   * success / (total − skipped), from 0 to 1; null when nothing ran. Skipped steps were never attempted, so they
   * neither help nor hurt; failed, timeout and cancelled attempts count against it.
   */
  success_rate: number | null;
  /** Over attempts that ran (skipped excluded). */
  average_duration_ms: number | null;
  /** Estimated from a log histogram: within HISTOGRAM_RELATIVE_ERROR (1 %) of the exact value. */
  p50_duration_ms: number | null;
  p95_duration_ms: number | null;
  /** Sum of retry_count: how many attempts were retries. */
  total_retries: number;
  by_status: StatusCounts;
  by_agent_action: AgentActionSummary[];
  /** Attempts that queue workers ran, by worker, most first; absent when none did (the file transport only). */
  by_worker?: WorkerSummary[];
  usage: UsageSummary;
  /** Completion time of the oldest and newest record counted. */
  first_completed_at: string | null;
  last_completed_at: string | null;
  /** The same figures per hour or day. */
  over_time: OverTimeSummary;
  files_read: number;
  /** Corrupt or torn lines skipped, by file name. */
  unreadable: UnreadableLines;
}

/** One hour or day of {@link OverTimeSummary}; its figures are defined as the summary's. */
export interface TimeBucketSummary {
  /** The bucket's first instant (UTC, ISO). */
  start: string;
  total_executions: number;
  success_rate: number | null;
  average_duration_ms: number | null;
  p50_duration_ms: number | null;
  p95_duration_ms: number | null;
  retries: number;
  by_status: StatusCounts;
  /** Token use and cost of the bucket's records that reported them (as {@link UsageSummary}). */
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/**
 * The executions over time: by UTC hour when the first and last record are at most 48 hours apart, else by UTC day;
 * every bucket from the first with data to the last, empty ones included (total 0, rates and durations null).
 */
export interface OverTimeSummary {
  bucket: 'hour' | 'day';
  series: TimeBucketSummary[];
}
