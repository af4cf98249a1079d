// `metrics`: totals, success rate, durations (average, p50, p95), retries, status and agent/action breakdowns, and token
// use, streamed over the daily files so memory stays flat however many records there are.

import path from 'node:path';
import { DurationHistogram, HISTOGRAM_RELATIVE_ERROR } from './duration-histogram.js';
import { EXECUTION_STATUSES } from './execution-record.js';
import { forEachLine } from './jsonl-forward.js';
import { metricsFilesSince } from './metrics-files.js';
import type { ExecutionStatus } from './observer.js';
import { matchesFilter, type RecordFilter } from './record-filter.js';
import type { UnreadableLines } from './metrics-history.js';
import { readSummaryFields, type SummaryFields } from './summary-fields.js';

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
  /** Estimated from a log histogram: within {@link HISTOGRAM_RELATIVE_ERROR} (1 %) of the exact value. */
  p50_duration_ms: number | null;
  p95_duration_ms: number | null;
  /** Sum of retry_count: how many attempts were retries. */
  total_retries: number;
  by_status: StatusCounts;
  by_agent_action: AgentActionSummary[];
  usage: UsageSummary;
  /** Completion time of the oldest and newest record counted. */
  first_completed_at: string | null;
  last_completed_at: string | null;
  files_read: number;
  /** Corrupt or torn lines skipped, by file name. */
  unreadable: UnreadableLines;
}

/** Accuracy of the duration percentiles, as a fraction. */
export const PERCENTILE_RELATIVE_ERROR = HISTOGRAM_RELATIVE_ERROR;

class Tally {
  total = 0;
  byStatus: StatusCounts = emptyStatusCounts();
  ran = 0;
  durationSum = 0;

  add(record: SummaryFields): void {
    this.total++;
    this.byStatus[record.status]++;
    if (record.status === 'skipped') return;
    this.ran++;
    this.durationSum += record.duration_ms;
  }

  successRate(): number | null {
    return this.ran === 0 ? null : this.byStatus.success / this.ran;
  }

  averageDuration(): number | null {
    return this.ran === 0 ? null : this.durationSum / this.ran;
  }
}

/** Streams every daily file that can match `filter` and aggregates the matching records. */
export async function summarizeMetrics(metricsDir: string, filter: RecordFilter): Promise<MetricsSummary> {
  const all = new Tally();
  const histogram = new DurationHistogram();
  // agent → action → tally (nested maps: no key string to build per record).
  const byAgentAction = new Map<string, Map<string, Tally>>();
  const usage: UsageSummary = { executions_with_usage: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
  const unreadable: UnreadableLines = {};
  let retries = 0;
  let first: string | null = null;
  let last: string | null = null;
  const files = await metricsFilesSince(metricsDir, filter.since);
  // Oldest file first, so "first" and "last" follow the order records were written.
  for (const { file } of [...files].reverse()) {
    const name = path.basename(file);
    await forEachLine(file, (text) => {
      const record = readSummaryFields(text);
      if (record === undefined) {
        unreadable[name] = (unreadable[name] ?? 0) + 1;
        return;
      }
      if (!matchesFilter(record, filter)) return;
      all.add(record);
      if (record.status !== 'skipped') histogram.add(record.duration_ms);
      retries += record.retry_count;
      let actions = byAgentAction.get(record.agent);
      if (actions === undefined) byAgentAction.set(record.agent, (actions = new Map<string, Tally>()));
      let tally = actions.get(record.action);
      if (tally === undefined) actions.set(record.action, (tally = new Tally()));
      tally.add(record);
      if (record.usage !== null) {
        usage.executions_with_usage++;
        usage.input_tokens += record.usage.input_tokens ?? 0;
        usage.output_tokens += record.usage.output_tokens ?? 0;
        usage.cost_usd += record.usage.cost_usd ?? 0;
      }
      if (first === null || record.completed_at < first) first = record.completed_at;
      if (last === null || record.completed_at > last) last = record.completed_at;
    });
  }
  return {
    total_executions: all.total,
    success_rate: all.successRate(),
    average_duration_ms: all.averageDuration(),
    p50_duration_ms: histogram.quantile(0.5) ?? null,
    p95_duration_ms: histogram.quantile(0.95) ?? null,
    total_retries: retries,
    by_status: all.byStatus,
    by_agent_action: [...byAgentAction].flatMap(([agent, actions]) => [...actions].map(([action, tally]) => ({ agent, action, tally })))
      .sort((a, b) => b.tally.total - a.tally.total || a.agent.localeCompare(b.agent) || a.action.localeCompare(b.action))
      .map(({ agent, action, tally }) => ({
        agent,
        action,
        total: tally.total,
        by_status: tally.byStatus,
        success_rate: tally.successRate(),
        average_duration_ms: tally.averageDuration(),
      })),
    usage,
    first_completed_at: first,
    last_completed_at: last,
    files_read: files.length,
    unreadable,
  };
}

function emptyStatusCounts(): StatusCounts {
  return Object.fromEntries(EXECUTION_STATUSES.map((status) => [status, 0])) as StatusCounts;
}
