// The status file: how whoever runs a step attempt reports it (running with heartbeats, then completed or failed).
// Written in the original's v1.0 shape plus correlation, runner, heartbeat and exit code; the original's legacy
// shape is read too. A torn or corrupt file is reported as such so the reader can tolerate it until its deadline.

import { isStepErrorCode } from '../step-errors.js';
import type { StepError } from '../step-errors.js';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { Usage } from '../observability/observer.js';
import { redactValue } from '../redaction/redact.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { readRegularFileWithTime } from '../fs/read-regular-file.js';

/** The status values of the v1.0 schema. */
export type StatusValue = 'pending' | 'running' | 'completed' | 'failed';

const STATUS_VALUES: readonly string[] = ['pending', 'running', 'completed', 'failed'] satisfies StatusValue[];

/**
 * The status field. Any other value (a typo such as "complete") makes the file unreadable, reported as such, rather
 * than a step that silently never finishes.
 */
const statusValueSchema = z.string().refine((value) => STATUS_VALUES.includes(value), {
  error: (issue) => `status ${JSON.stringify(issue.input)} is not one of ${STATUS_VALUES.join(', ')}`,
});

/** Who wrote a status: checked against the live processes of this host to detect a dead runner. */
export interface StatusWriter {
  id: string;
  pid: number;
  host: string;
}

/** The full correlation of an attempt, as written by this release. */
export interface StatusCorrelation {
  workflow_id: string;
  run_id: string;
  step_id: string;
  attempt: number;
}

const errorSchema = z.union([
  z.looseObject({ message: z.string().default('Unknown error'), code: z.string().optional(), retryable: z.boolean().optional() }),
  z.string(),
]);

const v1Schema = z.looseObject({
  version: z.literal('1.0'),
  status: statusValueSchema,
  started_at: z.string().nullable().optional(),
  completed_at: z.string().nullable().optional(),
  progress: z.looseObject({ percentage: z.number().optional(), current_step: z.string().nullable().optional(), message: z.string().nullable().optional() }).nullable().optional(),
  partial_results: z.looseObject({ artifacts: z.array(z.string()).optional(), output: z.string().optional() }).nullable().optional(),
  error: errorSchema.nullable().optional(),
  artifacts: z.array(z.string()).optional(),
  output: z.string().nullable().optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  usage: z.record(z.string(), z.unknown()).nullable().optional(),
  metadata: z.looseObject({ workflow_id: z.string().nullable().optional(), step_id: z.string().nullable().optional(), command: z.string().nullable().optional() }).nullable().optional(),
  correlation: z
    .looseObject({ workflow_id: z.string().optional(), run_id: z.string().optional(), step_id: z.string().optional(), attempt: z.int().optional() })
    .nullable()
    .optional(),
  runner: z.looseObject({ id: z.string(), pid: z.int(), host: z.string() }).nullable().optional(),
  heartbeat_at: z.string().nullable().optional(),
  exit_code: z.int().nullable().optional(),
});

const legacySchema = z.looseObject({
  workflow_id: z.string().nullable().optional(),
  step_id: z.string().nullable().optional(),
  status: statusValueSchema,
  success: z.boolean().optional(),
  artifacts: z.array(z.string()).optional(),
  output: z.string().nullable().optional(),
  error: errorSchema.nullable().optional(),
  started_at: z.string().nullable().optional(),
  completed_at: z.string().nullable().optional(),
});

/** A status file as read, whichever shape it was written in. */
export interface StatusReport {
  shape: 'v1.0' | 'legacy';
  status: string;
  /** `completed` or `failed`. */
  terminal: boolean;
  /** Ids the file names, if any (from `correlation`, `metadata` or the legacy top level). */
  correlation: { workflow_id?: string; run_id?: string; step_id?: string; attempt?: number };
  error?: StepError;
  artifacts: string[];
  output?: string;
  outputs: Record<string, unknown>;
  usage?: Usage;
  startedAt?: string;
  completedAt?: string;
  heartbeatAt?: string;
  runner?: StatusWriter;
  exitCode?: number;
  progress?: { percentage: number; message?: string };
}

/** The result of reading a status file. */
export type StatusReading =
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string; mtimeMs: number }
  | { kind: 'ok'; report: StatusReport; mtimeMs: number };

/** Parses status-file text in the v1.0 or the legacy shape. */
export function parseStatusFile(text: string): { ok: true; report: StatusReport } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof json === 'object' && json !== null && (json as { version?: unknown }).version === '1.0') {
    const parsed = v1Schema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error).replaceAll('\n', '; ') };
    return { ok: true, report: reportOfV1(parsed.data) };
  }
  const parsed = legacySchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error).replaceAll('\n', '; ') };
  const file = parsed.data;
  return {
    ok: true,
    report: {
      shape: 'legacy',
      status: file.status,
      terminal: isTerminal(file.status),
      correlation: pick({ workflow_id: file.workflow_id ?? undefined, step_id: file.step_id ?? undefined }),
      ...optionalError(file.error, file.status),
      artifacts: file.artifacts ?? [],
      outputs: {},
      ...pick({ output: file.output ?? undefined, startedAt: file.started_at ?? undefined, completedAt: file.completed_at ?? undefined }),
    },
  };
}

/** The report a v1.0 status (validated, or written by {@link formatStatus} in this process) describes. */
function reportOfV1(file: z.output<typeof v1Schema>): StatusReport {
  const correlation = {
    ...pick({ workflow_id: file.metadata?.workflow_id ?? undefined, step_id: file.metadata?.step_id ?? undefined }),
    ...pick({ workflow_id: file.correlation?.workflow_id, run_id: file.correlation?.run_id, step_id: file.correlation?.step_id, attempt: file.correlation?.attempt }),
  };
  return {
    shape: 'v1.0',
    status: file.status,
    terminal: isTerminal(file.status),
    correlation,
    ...optionalError(file.error, file.status),
    artifacts: file.partial_results?.artifacts ?? file.artifacts ?? [],
    ...pick({
      output: file.partial_results?.output ?? file.output ?? undefined,
      startedAt: file.started_at ?? undefined,
      completedAt: file.completed_at ?? undefined,
      heartbeatAt: file.heartbeat_at ?? undefined,
      runner: file.runner ?? undefined,
      exitCode: file.exit_code ?? undefined,
      usage: file.usage ?? undefined,
      progress: file.progress == null ? undefined : { percentage: file.progress.percentage ?? 0, ...pick({ message: file.progress.message ?? undefined }) },
    }),
    outputs: file.outputs ?? {},
  };
}

/** Reads a status file; never throws. */
export async function readStatusFile(file: string): Promise<StatusReading> {
  let text: string;
  let mtimeMs: number;
  try {
    ({ text, mtimeMs } = await readRegularFileWithTime(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', reason: `cannot read it: ${(error as Error).message}`, mtimeMs: Date.now() };
  }
  const parsed = parseStatusFile(text);
  return parsed.ok ? { kind: 'ok', report: parsed.report, mtimeMs } : { kind: 'corrupt', reason: parsed.reason, mtimeMs };
}

/**
 * A status this process has just written with {@link formatStatus}, as a reader of the file now gets it: the same
 * report {@link parseStatusFile} gives for that text, without validating again what was built from typed input (text
 * of any other shape is validated), so the writer's own reader (the embedded runner's executor) needs no read of the file.
 */
export function writtenStatus(text: string): StatusReading {
  const mtimeMs = Date.now();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const own = typeof json === 'object' && json !== null && (json as { version?: unknown }).version === '1.0' && STATUS_VALUES.includes((json as { status?: unknown }).status as string);
  if (own) return { kind: 'ok', report: reportOfV1(json as z.output<typeof v1Schema>), mtimeMs };
  const parsed = parseStatusFile(text);
  return parsed.ok ? { kind: 'ok', report: parsed.report, mtimeMs } : { kind: 'corrupt', reason: parsed.reason, mtimeMs };
}

/** What a writer reports; turned into the v1.0 shape by {@link formatStatus}. */
export interface StatusInput {
  status: StatusValue;
  correlation: Partial<StatusCorrelation>;
  /** The skill command (redacted) for `metadata.command`. */
  command: string;
  startedAt: string;
  completedAt?: string;
  heartbeatAt?: string;
  runner: StatusWriter;
  progress?: { percentage: number; message: string };
  error?: StepError;
  artifacts?: string[];
  output?: string;
  outputs?: Record<string, unknown>;
  usage?: Usage;
  exitCode?: number;
}

/** The JSON text of a status in the v1.0 shape (which the original's executor also reads). Secrets are redacted. */
export function formatStatus(input: StatusInput): string {
  const body = {
    version: '1.0',
    status: input.status,
    started_at: input.startedAt,
    completed_at: input.completedAt ?? null,
    ...(input.progress === undefined ? {} : { progress: { percentage: input.progress.percentage, current_step: null, message: input.progress.message } }),
    error: input.error ?? null,
    artifacts: input.artifacts ?? [],
    output: input.output ?? '',
    outputs: input.outputs ?? {},
    ...(input.usage === undefined ? {} : { usage: input.usage }),
    metadata: { workflow_id: input.correlation.workflow_id ?? null, step_id: input.correlation.step_id ?? null, command: input.command },
    correlation: input.correlation,
    runner: input.runner,
    heartbeat_at: input.heartbeatAt ?? new Date().toISOString(),
    exit_code: input.exitCode ?? null,
  };
  return `${JSON.stringify(redactValue(body), null, 2)}\n`;
}

/**
 * Writes a status file atomically (tmp + rename), mode 0600 like every file under .tapps-agents/. No fsync: the rename
 * already keeps readers from torn files, and a status lost to a power failure only means the step runs once more on
 * resume (docs/decisions.md), while an fsync here costs 10-25 ms per handoff on this project's machines.
 * @returns the text written (what a reader of the file now gets)
 */
export async function writeStatusFile(file: string, input: StatusInput): Promise<string> {
  const text = formatStatus(input);
  await writeFileAtomically(file, text, { durable: false });
  return text;
}

/** This process as a status writer. */
export function currentWriter(id: string): StatusWriter {
  return { id, pid: process.pid, host: hostname() };
}

function isTerminal(status: string): boolean {
  return status === 'completed' || status === 'failed';
}

function optionalError(error: z.output<typeof errorSchema> | null | undefined, status: string): { error?: NonNullable<StatusReport['error']> } {
  if (error == null) return status === 'failed' ? { error: { message: 'Unknown error', code: 'FAILED', retryable: false } } : {};
  if (typeof error === 'string') return { error: { message: error, code: 'FAILED', retryable: false } };
  // A code of another tool's (or an older version's) is kept, in words, under FAILED.
  const code = error.code === undefined ? 'FAILED' : isStepErrorCode(error.code) ? error.code : undefined;
  if (code !== undefined) return { error: { message: error.message, code, retryable: error.retryable ?? false } };
  return { error: { message: `${error.message} (reported code ${error.code})`, code: 'FAILED', retryable: error.retryable ?? false } };
}

/** Drops undefined values so optional properties stay absent (exactOptionalPropertyTypes). */
function pick<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
