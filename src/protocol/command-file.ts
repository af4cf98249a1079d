// The command file: what the executor asks a background agent to run for one step attempt.
// Written as versioned JSON; read in that form, the original's JSON form, or as a plain one-line skill command.

import { z } from 'zod';
import { formatSkillCommand, type SkillInvocation } from './skill-command.js';
import type { RunSummary, StepRunContext } from '../agents/skill.js';
import { REDACTION_MASK, redactEnvironment, redactSecrets, redactValue } from '../redaction/redact.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { readRegularFile } from '../fs/read-regular-file.js';

/** The version this release writes. */
export const COMMAND_FILE_VERSION = '2.0';

const correlationSchema = z.object({
  workflow_id: z.string().nullable().optional(),
  run_id: z.string().optional(),
  step_id: z.string().nullable().optional(),
  attempt: z.int().min(1).optional(),
  created_at: z.string().optional(),
  expected_artifacts: z.array(z.string()).default([]),
});

/** The run so far, handed to orchestrator steps (RunSummary of src/agents/skill.ts). */
const runSummarySchema = z.object({
  workflow_id: z.string(),
  run_id: z.string(),
  workflow_name: z.string().optional(),
  started_at: z.string().optional(),
  steps: z.array(
    z.looseObject({
      step_id: z.string(),
      agent: z.string(),
      action: z.string(),
      status: z.enum(['pending', 'running', 'success', 'failed', 'timeout', 'cancelled', 'skipped']),
      attempts: z.number().optional(),
      duration_ms: z.number().optional(),
      artifacts: z.array(z.string()).optional(),
      outputs: z.record(z.string(), z.unknown()).optional(),
      error_message: z.string().optional(),
    }),
  ),
});

const commandFileSchema = z.looseObject({
  version: z.string().optional(),
  command: z.string().min(1),
  correlation: correlationSchema.optional(),
  /** Before correlation existed the original wrote the ids at the top level. */
  workflow_id: z.string().nullable().optional(),
  step_id: z.string().nullable().optional(),
  worktree_path: z.string().optional(),
  instructions: z.string().optional(),
  redaction_applied: z.boolean().optional(),
  timeout_ms: z.int().positive().optional(),
  engine: z.string().optional(),
  inputs: z.record(z.string(), z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  /** W3C trace context of the attempt's span (only when the run is traced); kept only when well formed. */
  traceparent: z.string().optional(),
  context: z
    .strictObject({
      workflow: z.strictObject({ name: z.string(), description: z.string() }),
      params: z.record(z.string(), z.unknown()),
      files: z.array(z.strictObject({ path: z.string(), step: z.string(), role: z.enum(['wrote', 'read']) })),
      budget_chars: z.int().positive().optional(),
      record_dir: z.string().optional(),
      overwrite: z.boolean().optional(),
      location: z.string().optional(),
      summary: runSummarySchema.optional(),
    })
    .optional(),
});

/** The correlation carried by a command file; the original's files have no run id or attempt. */
export type CommandCorrelation = z.output<typeof correlationSchema>;

/** A command file as read, whichever form it was written in. */
export interface CommandFile {
  form: 'v2' | 'original' | 'plain';
  /** The skill command, as written (secrets redacted). */
  command: string;
  /** True when the writer redacted secrets from `command`: it cannot be run from the file alone. */
  redactionApplied: boolean;
  correlation: CommandCorrelation;
  worktreePath?: string;
  instructions?: string;
  timeoutMs?: number;
  engine?: string;
  inputs: Record<string, string>;
  /** Variables the step sets (its `env`, TAPPS_RUN_ID, …), secrets redacted; a runner adds them to its environment. */
  environment: Record<string, string>;
  /** What the run gives the step (workflow, run params with secrets redacted, files of its dependencies). */
  context?: StepRunContext;
  /** The W3C traceparent of the executor's attempt span: the runner's span becomes its child (docs/observability.md). */
  traceparent?: string;
}

/** A W3C traceparent: version-traceid-spanid-flags, lower-case hex; all-zero ids are invalid. */
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** What the executor puts in a command file. */
export interface CommandFileInput {
  invocation: SkillInvocation;
  correlation: { workflow_id: string; run_id: string; step_id: string; attempt: number; created_at: string; expected_artifacts: string[] };
  worktreePath: string;
  instructions: string;
  timeoutMs: number;
  engine?: string;
  inputs: Record<string, string>;
  /** Variables the step sets (see CommandFile.environment). */
  environment?: Record<string, string>;
  context?: StepRunContext;
  /** The attempt span's W3C traceparent, when the run is traced. */
  traceparent?: string;
}

/** The JSON text of a command file. The command, instructions, inputs and environment are redacted: secrets reach a runner through its environment only. */
export function formatCommandFile(input: CommandFileInput): string {
  const raw = formatSkillCommand(input.invocation);
  const command = redactSecrets(raw);
  const environment = input.environment === undefined ? undefined : redactEnvironment(input.environment);
  const redacted = command !== raw || JSON.stringify(environment) !== JSON.stringify(input.environment);
  return `${JSON.stringify(
    {
      version: COMMAND_FILE_VERSION,
      command,
      ...(redacted ? { redaction_applied: true } : {}),
      correlation: input.correlation,
      worktree_path: input.worktreePath,
      // The instructions quote the command and inputs may carry values: both are redacted like the command.
      instructions: redactSecrets(input.instructions),
      timeout_ms: input.timeoutMs,
      ...(input.engine === undefined ? {} : { engine: input.engine }),
      inputs: redactValue(input.inputs),
      ...(environment === undefined ? {} : { environment }),
      ...(input.context === undefined ? {} : { context: formatContext(input.context) }),
      ...(input.traceparent === undefined ? {} : { traceparent: input.traceparent }),
    },
    null,
    2,
  )}\n`;
}

/**
 * Writes a command file atomically (tmp + rename), mode 0600; fsynced unless `durable: false` (see the file transport
 * for when that is safe).
 * @returns the text written
 */
export async function writeCommandFile(file: string, input: CommandFileInput, options: { durable?: boolean } = {}): Promise<string> {
  const text = formatCommandFile(input);
  await writeFileAtomically(file, text, { durable: options.durable ?? true });
  return text;
}

/** A command file's text, parsed: the command file, or why it cannot be used. */
export type ParsedCommandFile = { ok: true; value: CommandFile } | { ok: false; reason: string };

/**
 * Reads a command file's text in any accepted form.
 * @returns the command file, or a reason it cannot be read.
 */
export function parseCommandFile(text: string): ParsedCommandFile {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'the command file is empty' };
  if (!trimmed.startsWith('{')) {
    if (trimmed.includes('\n')) return { ok: false, reason: 'a plain command file must hold exactly one line' };
    return { ok: true, value: { form: 'plain', command: trimmed, redactionApplied: false, correlation: { expected_artifacts: [] }, inputs: {}, environment: {} } };
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  const parsed = commandFileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error).replaceAll('\n', '; ') };
  return { ok: true, value: commandFileOf(parsed.data) };
}

/**
 * Parses text that {@link formatCommandFile} produced in this process (the embedded runner's handover): the same
 * result as {@link parseCommandFile}, without validating again what was built from typed input. Anything else — not
 * this release's version, no command — goes through the validating parse.
 */
export function parseOwnCommandFile(text: string): ParsedCommandFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return parseCommandFile(text);
  }
  const own = typeof json === 'object' && json !== null && (json as { version?: unknown }).version === COMMAND_FILE_VERSION && typeof (json as { command?: unknown }).command === 'string';
  return own ? { ok: true, value: commandFileOf(json as z.output<typeof commandFileSchema>) } : parseCommandFile(text);
}

/** The command file a validated (or self-written) JSON form describes. */
function commandFileOf(file: z.output<typeof commandFileSchema>): CommandFile {
  const correlation = file.correlation ?? {
    expected_artifacts: [],
    ...(file.workflow_id == null ? {} : { workflow_id: file.workflow_id }),
    ...(file.step_id == null ? {} : { step_id: file.step_id }),
  };
  return {
    form: file.version === COMMAND_FILE_VERSION ? 'v2' : 'original',
    command: file.command,
    redactionApplied: file.redaction_applied === true,
    correlation,
    ...(file.worktree_path === undefined ? {} : { worktreePath: file.worktree_path }),
    ...(file.instructions === undefined ? {} : { instructions: file.instructions }),
    ...(file.timeout_ms === undefined ? {} : { timeoutMs: file.timeout_ms }),
    ...(file.engine === undefined ? {} : { engine: file.engine }),
    inputs: file.inputs ?? {},
    environment: file.environment ?? {},
    ...(file.context === undefined ? {} : { context: parseContext(file.context) }),
    // A malformed trace context is dropped, never a reason to refuse the step: the span starts a trace of its own.
    ...(file.traceparent !== undefined && TRACEPARENT.test(file.traceparent) ? { traceparent: file.traceparent } : {}),
  };
}

/** The context as written: snake_case keys, run params redacted like the command. */
function formatContext(context: StepRunContext): Record<string, unknown> {
  return {
    workflow: context.workflow,
    params: redactValue(context.params),
    files: context.files,
    ...(context.budgetChars === undefined ? {} : { budget_chars: context.budgetChars }),
    ...(context.recordDir === undefined ? {} : { record_dir: context.recordDir }),
    ...(context.overwrite === undefined ? {} : { overwrite: context.overwrite }),
    ...(context.location === undefined ? {} : { location: context.location }),
    ...(context.summary === undefined ? {} : { summary: redactValue(context.summary) }),
  };
}

function parseContext(context: NonNullable<z.output<typeof commandFileSchema>['context']>): StepRunContext {
  return {
    workflow: context.workflow,
    params: context.params,
    files: context.files,
    ...(context.budget_chars === undefined ? {} : { budgetChars: context.budget_chars }),
    ...(context.record_dir === undefined ? {} : { recordDir: context.record_dir }),
    ...(context.overwrite === undefined ? {} : { overwrite: context.overwrite }),
    ...(context.location === undefined ? {} : { location: context.location }),
    // Validated above; the cast only drops zod's `| undefined` on optional keys (exactOptionalPropertyTypes).
    ...(context.summary === undefined ? {} : { summary: context.summary as RunSummary }),
  };
}

/** Reads and parses a command file; a missing file is `undefined`. */
export async function readCommandFile(file: string): Promise<ParsedCommandFile | undefined> {
  let text: string;
  try {
    text = await readRegularFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { ok: false, reason: `cannot read it: ${(error as Error).message}` };
  }
  return parseCommandFile(text);
}

/** True when secrets were redacted from the step's environment: a runner in another process cannot supply them. */
export function environmentRedacted(command: CommandFile): boolean {
  return Object.values(command.environment).some((value) => value.includes(REDACTION_MASK));
}

/** Why a runner in another process refuses a step whose environment lost its secrets to redaction. */
export function redactedEnvironmentMessage(commandFile: string): string {
  return `Command file ${commandFile} holds a step environment whose secrets were redacted, so it cannot be run from the file. Give the background agent those variables in its own environment (or in .cursor/background-agents.yaml environment:) instead of the step's env.`;
}
