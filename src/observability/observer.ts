// The narrow interface through which the executor and the runner report what happens: one metrics record per step
// attempt, audit events, and debug logs. The observability module implements it; tests can pass a recording double.

/** One status vocabulary end to end (PRODUCT.md §6): what a step attempt came to. */
export type ExecutionStatus = 'success' | 'failed' | 'timeout' | 'cancelled' | 'skipped';

/** Token use and cost of a model-backed step, when the engine reports them. */
export interface Usage {
  engine?: string;
  model?: string;
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
}

/** One line of `.tapps-agents/metrics/executions_YYYY-MM-DD.jsonl`: one step attempt. */
export interface ExecutionRecord {
  schemaVersion: 1;
  /** ISO-8601 time the record was written. */
  ts: string;
  /** Unique per attempt: `<run_id>/<step_id>/<attempt>`. */
  execution_id: string;
  workflow_id: string;
  run_id: string;
  step_id: string;
  agent: string;
  action: string;
  /** The skill command, secrets redacted. */
  command: string;
  status: ExecutionStatus;
  duration_ms: number;
  /** Retries before this attempt: attempt number minus one. */
  retry_count: number;
  started_at: string;
  completed_at: string;
  error_message: string | null;
  usage: Usage | null;
  /** The queue worker that ran the attempt (queue transport only). */
  worker?: { id: string; host: string; pid: number };
}

/** Audit event names (PRODUCT.md §6). */
export const AUDIT_EVENTS = [
  'command.written',
  'command.claimed',
  'execution.started',
  'execution.heartbeat',
  'execution.completed',
  'execution.failed',
  'execution.timeout',
  'retry.scheduled',
  'status.rejected',
  'command.refused',
  'runner.started',
  'runner.stopped',
  'process.reaped',
  'runner.stalled',
  'queue.enqueued',
  'queue.adopted',
  'queue.requeued',
  'queue.completed',
] as const;

export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** One line of `.tapps-agents/audit/execution_audit.jsonl`. */
export interface AuditEvent {
  schemaVersion: 1;
  ts: string;
  event: AuditEventName;
  workflow_id?: string;
  run_id?: string;
  step_id?: string;
  attempt?: number;
  /** Who wrote it: "executor" or "runner:<id>". */
  actor?: string;
  /** Event-specific fields (secrets redacted before writing). */
  details?: Record<string, unknown>;
}

/** Structured debug logging; a no-op unless `auto-execution debug on`. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the executor and runner report to. Implementations must never throw into the caller's path. */
export interface ExecutionObserver {
  /** Records one finished step attempt (ignored when metrics_collection is off). */
  recordExecution(record: Omit<ExecutionRecord, 'schemaVersion' | 'ts'>): Promise<void>;
  /** Appends one audit event (ignored when audit_logging is off). */
  audit(event: Omit<AuditEvent, 'schemaVersion' | 'ts'>): Promise<void>;
  logger: Logger;
  /**
   * The W3C traceparent of an attempt's span, when the run is traced (docs/observability.md): a command file carries it
   * so the runner's span joins the run's trace. Absent or undefined when tracing is off.
   */
  traceparent?(attempt: { run_id: string; step_id: string; attempt: number }): string | undefined;
}

/** An observer that records nothing: for library use without a project, and for tests that do not look. */
export const silentObserver: ExecutionObserver = {
  recordExecution: () => Promise.resolve(),
  audit: () => Promise.resolve(),
  logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
};
