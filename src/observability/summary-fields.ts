// The few fields `metrics` aggregates, read from a metrics line without parsing all of it. Lines written by this
// package come from JSON.stringify, so each top-level key appears once as `"key":` outside any string (inside a string
// every quote is escaped). Anything unexpected falls back to JSON.parse, so odd but valid lines still count and
// corrupt ones are still rejected. This halves the time `metrics` takes on a million records (docs/BENCHMARKS.md).

import { toExecutionRecord } from './execution-record.js';
import type { ExecutionStatus, Usage } from './observer.js';

/** What the summary reads from one record. */
export interface SummaryFields {
  workflow_id: string;
  agent: string;
  action: string;
  status: ExecutionStatus;
  duration_ms: number;
  retry_count: number;
  completed_at: string;
  usage: Usage | null;
  /** The queue worker that ran it (queue transport); absent for the file transport. */
  worker?: WorkerIdentity;
}

/** Which queue worker ran an attempt, as the summary groups by it. */
export interface WorkerIdentity {
  host: string;
  pid: number;
}

const STATUSES: ReadonlySet<string> = new Set(['success', 'failed', 'timeout', 'cancelled', 'skipped']);
const START = '{"schemaVersion":';

/**
 * Reads the summary fields of the metrics line `text[start, end)` (a block of lines is decoded once, so no string is
 * made per line); undefined when the line is not a valid execution record.
 */
export function readSummaryFields(text: string, start = 0, end = text.length): SummaryFields | undefined {
  return fastRead(text, start, end) ?? slowRead(text.slice(start, end));
}

function fastRead(line: string, lineStart: number, lineEnd: number): SummaryFields | undefined {
  if (!line.startsWith(START, lineStart) || line.charCodeAt(lineEnd - 1) !== 0x7d) return undefined;
  // Keys are searched in the order JSON.stringify wrote them, each from where the previous value ended, so the line
  // is scanned about once.
  const cursor = { at: lineStart + START.length, end: lineEnd };
  if (!skipField(line, '"execution_id":"', cursor)) return undefined;
  const executionAt = cursor.at;
  const workflowId = stringField(line, '"workflow_id":"', cursor);
  // A torn record followed by a whole one would show a second start before the fields.
  if (workflowId === undefined || line.lastIndexOf(START, executionAt) !== lineStart) return undefined;
  if (!skipField(line, '"step_id":"', cursor)) return undefined;
  const agent = stringField(line, '"agent":"', cursor);
  const action = stringField(line, '"action":"', cursor);
  const status = stringField(line, '"status":"', cursor);
  const duration = numberField(line, '"duration_ms":', cursor);
  const retries = numberField(line, '"retry_count":', cursor);
  const completedAt = stringField(line, '"completed_at":"', cursor);
  if (agent === undefined || action === undefined || status === undefined || !STATUSES.has(status)) return undefined;
  if (duration === undefined || retries === undefined || completedAt === undefined) return undefined;
  const usageAt = line.indexOf('"usage":', cursor.at);
  if (usageAt === -1 || usageAt >= lineEnd) return undefined;
  // A queue attempt's worker sits just before usage; a key in quotes cannot occur inside a string value. Searched only
  // up to usage: `line` is a whole block of records, and a search past this one made the read quadratic in the block.
  const between = line.slice(cursor.at, usageAt);
  const workerAt = between.indexOf('"worker":{');
  const worker = workerAt === -1 ? undefined : workerOf(safeParse(between.slice(workerAt + 9, -1)));
  if (workerAt !== -1 && worker === undefined) return undefined;
  let usage: Usage | null = null;
  const usageStart = usageAt + 8;
  if (line.charCodeAt(usageStart) === 0x7b) {
    // Usage is flat and the last key: its closing brace is followed only by the record's.
    if (line.indexOf('}', usageStart) !== lineEnd - 2) return undefined;
    usage = {
      input_tokens: usageNumber(line, '"input_tokens":', usageStart, lineEnd),
      output_tokens: usageNumber(line, '"output_tokens":', usageStart, lineEnd),
      cost_usd: usageNumber(line, '"cost_usd":', usageStart, lineEnd),
    };
  } else if (usageStart !== lineEnd - 5 || !line.startsWith('null}', usageStart)) {
    return undefined;
  }
  return { workflow_id: workflowId, agent, action, status: status as ExecutionStatus, duration_ms: duration, retry_count: retries, completed_at: completedAt, usage, ...(worker === undefined ? {} : { worker }) };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The host and pid of a record's worker field, when it has both. */
function workerOf(value: unknown): WorkerIdentity | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { host, pid } = value as Record<string, unknown>;
  return typeof host === 'string' && typeof pid === 'number' ? { host, pid } : undefined;
}

/** Where the next key search starts, and the end of the line. */
interface Cursor {
  at: number;
  end: number;
}

function stringField(line: string, key: string, cursor: Cursor): string | undefined {
  const at = line.indexOf(key, cursor.at);
  if (at === -1 || at >= cursor.end) return undefined;
  const start = at + key.length;
  const end = line.indexOf('"', start);
  if (end === -1 || end >= cursor.end) return undefined;
  cursor.at = end + 1;
  const value = line.slice(start, end);
  // An escape sequence needs real JSON decoding.
  return value.includes('\\') ? undefined : value;
}

/** Moves past a string field that must be present but is not needed (no string is made). */
function skipField(line: string, key: string, cursor: Cursor): boolean {
  const at = line.indexOf(key, cursor.at);
  if (at === -1 || at >= cursor.end) return false;
  const end = line.indexOf('"', at + key.length);
  if (end === -1 || end >= cursor.end) return false;
  cursor.at = end + 1;
  return true;
}

function numberField(line: string, key: string, cursor: Cursor): number | undefined {
  const at = line.indexOf(key, cursor.at);
  if (at === -1 || at >= cursor.end) return undefined;
  const start = at + key.length;
  let end = start;
  // Whole non-negative numbers (most durations and counts) are read digit by digit; anything else goes to Number().
  let whole = 0;
  let digitsOnly = true;
  while (end < cursor.end) {
    const code = line.charCodeAt(end);
    if (code === 0x2c || code === 0x7d) break; // , or }
    if (code >= 0x30 && code <= 0x39) whole = whole * 10 + (code - 0x30);
    else digitsOnly = false;
    end++;
  }
  cursor.at = end;
  if (end === start) return undefined;
  if (digitsOnly && end - start < 16) return whole;
  const value = Number(line.slice(start, end));
  return Number.isFinite(value) ? value : undefined;
}

/** A number inside the usage object, 0 when absent (usage fields are optional). */
function usageNumber(line: string, key: string, from: number, end: number): number {
  return numberField(line, key, { at: from, end }) ?? 0;
}

function slowRead(line: string): SummaryFields | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const record = toExecutionRecord(value);
  if (record === undefined) return undefined;
  return {
    workflow_id: record.workflow_id,
    agent: typeof record.agent === 'string' ? record.agent : '?',
    action: typeof record.action === 'string' ? record.action : '?',
    status: record.status,
    duration_ms: record.duration_ms,
    retry_count: typeof record.retry_count === 'number' ? record.retry_count : 0,
    completed_at: record.completed_at,
    usage: typeof record.usage === 'object' ? record.usage : null,
    ...(workerOf(record.worker) === undefined ? {} : { worker: workerOf(record.worker) as WorkerIdentity }),
  };
}
