// `auto-execution history` and `auto-execution metrics` as library calls: options in, report out.

import { createMetricsStore, type PruneResult } from './metrics-store.js';
import type { HistoryResult } from './metrics-history.js';
import type { MetricsSummary } from './metrics-summary.js';
import type { RecordFilter } from './record-filter.js';
import type { ExecutionStatus } from './observer.js';

/** Options of {@link executionHistory}. */
export interface HistoryOptions {
  projectRoot: string;
  /** @default 20 */
  limit?: number;
  workflowId?: string;
  status?: ExecutionStatus;
  since?: Date;
}

/** The newest executions first. */
export function executionHistory(options: HistoryOptions): Promise<HistoryResult> {
  const { projectRoot, ...query } = options;
  return createMetricsStore(projectRoot).history(query);
}

/** Options of {@link executionMetrics}. */
export interface MetricsOptions {
  projectRoot: string;
  workflowId?: string;
  since?: Date;
  /** First delete daily files older than `metrics.retention_days`. @default false */
  prune?: boolean;
  now?: Date;
}

/** The metrics summary, and what was pruned when asked. */
export interface MetricsReport {
  summary: MetricsSummary;
  pruned: PruneResult | null;
}

/**
 * Summarises the executions matching the filter, after pruning when asked.
 * @throws {TappsError} CONFIG_INVALID when pruning and .tapps-agents/config.yaml has errors.
 */
export async function executionMetrics(options: MetricsOptions): Promise<MetricsReport> {
  const store = createMetricsStore(options.projectRoot);
  // Loaded only for --prune: reading the configuration pulls in zod and the YAML parser, which plain queries skip.
  const retentionDays = options.prune === true ? await (await import('./metrics-retention.js')).metricsRetentionDays(options.projectRoot) : undefined;
  const pruned = retentionDays === undefined ? null : await store.prune(retentionDays, options.now);
  const filter: RecordFilter = {};
  if (options.workflowId !== undefined) filter.workflowId = options.workflowId;
  if (options.since !== undefined) filter.since = options.since;
  return { summary: await store.summarize(filter), pruned };
}
