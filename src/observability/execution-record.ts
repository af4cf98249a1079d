// Reading one metrics line back: parse it and check it is an execution record, so a corrupt line is counted, not trusted.

import type { ExecutionRecord, ExecutionStatus } from './observer.js';
import { fromOriginalRecord } from './original-record.js';

/** The status vocabulary, in the order reports list it. */
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['success', 'failed', 'timeout', 'cancelled', 'skipped'];

const STATUS_SET: ReadonlySet<string> = new Set(EXECUTION_STATUSES);

/** Parses one metrics line; undefined when it is not valid JSON or lacks the fields every query relies on. */
export function parseExecutionRecord(line: string): ExecutionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return toExecutionRecord(value);
}

/** `value` as an execution record: one of ours, or one the original executor wrote into the same files. */
export function toExecutionRecord(value: unknown): ExecutionRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  // Ours carry schemaVersion and agent; the original's carry neither (and would pass most of our checks).
  if ('schemaVersion' in value || 'agent' in value) return isExecutionRecord(value) ? value : undefined;
  return fromOriginalRecord(value as Record<string, unknown>);
}

/** True when `value` has the fields queries read, with the right types. */
export function isExecutionRecord(value: unknown): value is ExecutionRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.execution_id === 'string' &&
    typeof record.workflow_id === 'string' &&
    typeof record.step_id === 'string' &&
    typeof record.status === 'string' &&
    STATUS_SET.has(record.status) &&
    typeof record.duration_ms === 'number' &&
    typeof record.completed_at === 'string'
  );
}
