// The original executor's metrics records (reference §7.1), which it appends to the same
// `.tapps-agents/metrics/executions_YYYY-MM-DD.jsonl` files: read as execution records instead of being called corrupt.
// Its shape: execution_id, workflow_id, step_id, command, status (`completed|failed|timeout`, documented
// `success|failed|timeout|cancelled`), duration_ms, started_at (maybe naive local time), retry_count, completed_at
// (ISO or null), error_message (text, null or an object).

import type { ExecutionRecord, ExecutionStatus } from './observer.js';

/** The original's status words, as ours. `completed` is its word for success. */
const STATUS_OF: Readonly<Record<string, ExecutionStatus>> = { completed: 'success', success: 'success', failed: 'failed', timeout: 'timeout', cancelled: 'cancelled' };

/** `value` as an execution record when it is one of the original's records; undefined otherwise. */
export function fromOriginalRecord(value: Record<string, unknown>): ExecutionRecord | undefined {
  const { execution_id, workflow_id, step_id, command, status, duration_ms, started_at, retry_count, completed_at, error_message } = value;
  if (typeof execution_id !== 'string' || typeof command !== 'string' || typeof status !== 'string' || typeof duration_ms !== 'number' || !Number.isFinite(duration_ms)) return undefined;
  const ours = STATUS_OF[status];
  if (ours === undefined || typeof started_at !== 'string' || Number.isNaN(Date.parse(started_at))) return undefined;
  if (workflow_id != null && typeof workflow_id !== 'string') return undefined;
  if (step_id != null && typeof step_id !== 'string') return undefined;
  // Queries order and filter by completion; a record without one completed when it started plus its duration.
  const completed = typeof completed_at === 'string' && !Number.isNaN(Date.parse(completed_at)) ? completed_at : new Date(Date.parse(started_at) + duration_ms).toISOString();
  const [agent, action] = agentAndAction(command);
  return {
    schemaVersion: 1,
    ts: completed,
    execution_id,
    workflow_id: workflow_id ?? 'unknown',
    // The original has no run id: its workflow id names one run.
    run_id: workflow_id ?? 'unknown',
    step_id: step_id ?? 'unknown',
    agent,
    action,
    command,
    status: ours,
    duration_ms,
    retry_count: typeof retry_count === 'number' ? retry_count : 0,
    started_at,
    completed_at: completed,
    error_message: error_message == null ? null : typeof error_message === 'string' ? error_message : JSON.stringify(error_message),
    usage: null,
  };
}

/** The agent and action of an `@agent action …` command, else "?" (the summary groups by them). */
function agentAndAction(command: string): [string, string] {
  const match = /^\s*@([\w-]+)\s+\*?([\w-]+)/.exec(command);
  return match === null ? ['?', '?'] : [(match[1] as string).toLowerCase(), (match[2] as string).toLowerCase().replaceAll('_', '-')];
}
