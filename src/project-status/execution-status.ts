// `auto-execution status`: active runs with their running steps, live runners, the queue's depth and workers (when
// the project uses one), and the most recent executions.

import { createMetricsStore } from '../observability/metrics-store.js';
import type { UnreadableLines } from '../observability/metrics-history.js';
import type { ExecutionRecord } from '../observability/observer.js';
import type { DamagedRun } from '../workflow/run-list.js';
import { fileStatusSources, type ActiveRun, type QueueStatus, type RunnerInfo, type StatusSources, type UnusableRunnerFile } from './status-sources.js';

/** Options of {@link autoExecutionStatus}. */
export interface StatusOptions {
  projectRoot: string;
  /** Only this workflow's runs and executions. */
  workflowId?: string;
  /** Where active runs and runners come from. @default fileStatusSources(projectRoot) */
  sources?: StatusSources;
  /** How many recent executions to show. @default 10 */
  recentLimit?: number;
}

/** What `auto-execution status` shows. */
export interface AutoExecutionStatusReport {
  active_runs: ActiveRun[];
  runners: RunnerInfo[];
  /** Runs whose state.json cannot be used (not listed among the active runs), with the reader's message. */
  damaged_runs: DamagedRun[];
  /** Runner status files that are there but cannot be used, and why. */
  unusable_runner_files: UnusableRunnerFile[];
  /** The queue's depth and live workers, when the project uses or names a queue (absent otherwise). */
  queue?: QueueStatus;
  recent_executions: ExecutionRecord[];
  unreadable: UnreadableLines;
}

/** Collects active runs, runners and recent executions. */
export async function autoExecutionStatus(options: StatusOptions): Promise<AutoExecutionStatusReport> {
  const sources = options.sources ?? fileStatusSources(options.projectRoot);
  const filter = options.workflowId === undefined ? {} : { workflowId: options.workflowId };
  const [{ runs, damaged }, { runners, unusable }, queue, history] = await Promise.all([
    sources.listActiveRuns(),
    sources.listRunners(),
    sources.readQueue(),
    createMetricsStore(options.projectRoot).history({ ...filter, limit: options.recentLimit ?? 10 }),
  ]);
  return {
    active_runs: options.workflowId === undefined ? runs : runs.filter((run) => run.workflow_id === options.workflowId),
    runners,
    damaged_runs: damaged,
    unusable_runner_files: unusable,
    ...(queue === undefined ? {} : { queue }),
    recent_executions: history.records,
    unreadable: history.unreadable,
  };
}

/** The JSON shape of `auto-execution status --json` (shared with the dashboard's /api/runners). */
export function statusJson(report: AutoExecutionStatusReport) {
  const { unreadable, ...rest } = report;
  return { ...rest, unreadable_lines: unreadable };
}
