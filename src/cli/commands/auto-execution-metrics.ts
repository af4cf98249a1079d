// `tapps-agents auto-execution metrics [--workflow-id ID] [--since T] [--prune] [--json]`

import type { Command } from 'commander';
import { EXECUTION_STATUSES } from '../../observability/execution-record.js';
import { executionMetrics } from '../../observability/execution-queries.js';
import type { MetricsSummary } from '../../observability/metrics-summary.js';
import { metricsJson } from '../../observability/metrics-json.js';
import { parseSince } from '../../observability/record-filter.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printJson, printLines } from '../output.js';
import { formatElapsed, formatRate, formatTime, NOTHING_RECORDED, unreadableLines } from './auto-execution-format.js';

export interface MetricsCommandOptions {
  workflowId?: string;
  since?: string;
  prune?: boolean;
  json?: boolean;
}

export async function metricsCommand(options: MetricsCommandOptions, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const report = await executionMetrics({
    projectRoot,
    prune: options.prune === true,
    ...(options.workflowId === undefined ? {} : { workflowId: options.workflowId }),
    ...(since === undefined ? {} : { since }),
  });
  if (options.json === true) {
    printJson(metricsJson(report, { workflowId: options.workflowId, since }));
    return EXIT.OK;
  }
  const lines: string[] = [];
  if (report.pruned !== null) {
    const { deleted, retentionDays, keptFrom } = report.pruned;
    lines.push(
      deleted.length === 0
        ? `Pruned nothing: no metrics older than ${retentionDays} days (kept from ${keptFrom}).`
        : `Pruned ${deleted.length} daily ${deleted.length === 1 ? 'file' : 'files'} older than ${retentionDays} days (kept from ${keptFrom}): ${deleted.join(', ')}`,
      '',
    );
  }
  const filters = [
    options.workflowId === undefined ? undefined : `workflow ${options.workflowId}`,
    since === undefined ? undefined : `since ${since.toISOString()}`,
  ].filter((part) => part !== undefined);
  const summary = report.summary;
  if (summary.total_executions === 0) {
    lines.push(filters.length === 0 ? NOTHING_RECORDED : `No executions match (${filters.join(', ')}).`);
  } else {
    lines.push(`Execution metrics${filters.length === 0 ? '' : ` (${filters.join(', ')})`}`, '', ...summaryLines(summary), '', colour.bold('By agent/action'), ...agentActionLines(summary), ...workerLines(summary));
  }
  printLines(...lines, ...unreadableLines(summary.unreadable));
  return EXIT.OK;
}

function summaryLines(summary: MetricsSummary): string[] {
  const ran = summary.total_executions - summary.by_status.skipped;
  const ms = (value: number | null) => (value === null ? 'n/a' : formatElapsed(value));
  const rows: string[][] = [
    ['Total executions', String(summary.total_executions)],
    ['Success rate', `${formatRate(summary.success_rate)} (${summary.by_status.success} of ${ran} that ran; skipped not counted)`],
    ['Duration', `average ${ms(summary.average_duration_ms)}, p50 ${ms(summary.p50_duration_ms)}, p95 ${ms(summary.p95_duration_ms)}`],
    ['Retries', String(summary.total_retries)],
    ['By status', EXECUTION_STATUSES.filter((status) => summary.by_status[status] > 0).map((status) => `${status} ${summary.by_status[status]}`).join(', ')],
  ];
  const usage = summary.usage;
  if (usage.executions_with_usage > 0) {
    rows.push([
      'Tokens',
      `${usage.input_tokens.toLocaleString('en-US')} in, ${usage.output_tokens.toLocaleString('en-US')} out, cost $${usage.cost_usd.toFixed(4)} (${usage.executions_with_usage} ${usage.executions_with_usage === 1 ? 'execution' : 'executions'} reported usage)`,
    ]);
  }
  rows.push(['Period', `${formatTime(summary.first_completed_at)} to ${formatTime(summary.last_completed_at)}`]);
  return columns(rows.map(([label, value]) => [`${label ?? ''}:`, value ?? '']));
}

function agentActionLines(summary: MetricsSummary): string[] {
  // Token and cost columns only when some execution reported usage (as the Tokens line above).
  const withUsage = summary.usage.executions_with_usage > 0;
  const header = ['agent', 'action', 'total', 'success rate', 'average', ...(withUsage ? ['tokens in/out', 'cost'] : [])].map(colour.bold);
  const rows = summary.by_agent_action.map((entry) => [
    entry.agent,
    entry.action,
    String(entry.total),
    formatRate(entry.success_rate),
    entry.average_duration_ms === null ? 'n/a' : formatElapsed(entry.average_duration_ms),
    ...(withUsage ? [`${entry.usage.input_tokens.toLocaleString('en-US')} / ${entry.usage.output_tokens.toLocaleString('en-US')}`, `$${entry.usage.cost_usd.toFixed(4)}`] : []),
  ]);
  return columns([header, ...rows]);
}

/** Attempts run by queue workers, by host and pid (nothing when every step ran through the file transport). */
function workerLines(summary: MetricsSummary): string[] {
  if (summary.by_worker === undefined) return [];
  const header = ['host', 'pid', 'total', 'success rate', 'average'].map(colour.bold);
  const rows = summary.by_worker.map((entry) => [
    entry.host,
    String(entry.pid),
    String(entry.total),
    formatRate(entry.success_rate),
    entry.average_duration_ms === null ? 'n/a' : formatElapsed(entry.average_duration_ms),
  ]);
  return ['', colour.bold('By queue worker'), ...columns([header, ...rows])];
}
