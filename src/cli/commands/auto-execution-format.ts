// Text shared by the `auto-execution` commands: durations, percentages, and execution rows.

import type { UnreadableLines } from '../../observability/metrics-history.js';
import type { ExecutionRecord, ExecutionStatus } from '../../observability/observer.js';
import { colour, columns } from '../output.js';

/** What history, metrics and status say when there are no records at all (the seed's "Metrics Not Collected"). */
export const NOTHING_RECORDED = 'No executions recorded yet (metrics are written to .tapps-agents/metrics/ while features.metrics_collection is on).';

/** Milliseconds as a person reads them: "850ms", "1.2s", "3m 05s", "1h 02m". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m ${pad(totalSeconds % 60)}s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h ${pad(totalMinutes % 60)}m`;
}

/** A rate from 0 to 1 as "75.0%", or "n/a". */
export function formatRate(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

/** An ISO time shortened for a table: "2026-11-24 00:31:05Z". */
export function formatTime(iso: string | null): string {
  if (iso === null) return '-';
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

const STATUS_COLOUR: Record<ExecutionStatus, (text: string) => string> = {
  success: colour.ok,
  failed: colour.error,
  timeout: colour.error,
  cancelled: colour.warn,
  skipped: colour.dim,
};

/** Execution records as table lines (with a header), each failed one followed by its error. */
export function executionRows(records: readonly ExecutionRecord[], indent = ''): string[] {
  const header = ['completed', 'workflow/step', 'attempt', 'status', 'duration', 'agent action'].map(colour.bold);
  const rows = records.map((record) => [
    formatTime(record.completed_at),
    `${record.workflow_id}/${record.step_id}`,
    String(record.retry_count + 1),
    STATUS_COLOUR[record.status](record.status),
    formatElapsed(record.duration_ms),
    `${record.agent} ${record.action}`,
  ]);
  const lines = columns([header, ...rows]);
  const result = [`${indent}${lines[0] ?? ''}`];
  records.forEach((record, index) => {
    result.push(`${indent}${lines[index + 1] ?? ''}`);
    if (record.worker !== undefined) result.push(`${indent}  ${colour.dim('ran on:')} queue worker ${record.worker.host} (pid ${record.worker.pid})`);
    if (record.error_message !== null && record.error_message !== '') result.push(`${indent}  ${colour.dim('error:')} ${firstLine(record.error_message)}`);
  });
  return result;
}

/** "Skipped 2 unreadable lines (corrupt or torn): executions_2026-11-24.jsonl (2)", or nothing. */
export function unreadableLines(unreadable: UnreadableLines): string[] {
  const entries = Object.entries(unreadable);
  if (entries.length === 0) return [];
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  return ['', colour.warn(`Skipped ${total} unreadable ${total === 1 ? 'line' : 'lines'} (corrupt or torn): ${entries.map(([file, count]) => `${file} (${count})`).join(', ')}`)];
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
