// Runs one claimed command file with an agent's configured commands: in order, each as argv in its own process group
// with the agent's timeout, environment and working directory; the built-in execute-skill-command may run in-process.
// Ends with a terminal status beside the command file (the command's own, when it wrote one, else the runner's).

import { timeoutError } from '../step-errors.js';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { normaliseAction, type SkillInvocation } from '../protocol/skill-command.js';
import { CONFIG_HANDOFF_VARIABLE, encodeConfigHandoff } from '../config/config-handoff.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { parseDuration } from '../config/duration.js';
import { runProcess } from '../exec/run-process.js';
import type { ExecutionObserver, ExecutionRecord } from '../observability/observer.js';
import { redactSecrets } from '../redaction/redact.js';
import { foreignWorktreeReason } from './worktree-path-check.js';
import { environmentRedacted, parseCommandFile, redactedEnvironmentMessage, type CommandFile, type ParsedCommandFile } from '../protocol/command-file.js';
import { heartbeatIntervalMs } from '../protocol/liveness.js';
import { STATUS_FILE_NAME } from '../protocol/paths.js';
import { readStatusFile, writtenStatus, type StatusReading, type StatusWriter } from '../protocol/status-file.js';
import { StatusReporter, type TerminalStatus } from '../protocol/status-reporter.js';
import { expandCommand } from './command-template.js';
import { traced, type Span, type SpanAttributes } from '../tracing/tracer.js';
import { executeCommandFile, statusCorrelation } from './execute-command-file.js';

/** The part of a background agent's configuration a runner uses for one command file. */
export interface AgentCommands {
  name: string;
  commands: readonly string[];
  timeoutMs: number;
  /** KEY=VALUE entries. */
  environment: readonly string[];
  workingDirectory?: string;
}

/** One claimed command file to run. */
export interface ClaimedCommand {
  claimedFile: string;
  text: string;
  /** The step directory's command file path as it was before the claim (what `{command_file_path}` names). */
  commandFile: string;
  /** Handed over in-process by the embedded runner: the unredacted invocation and the step's environment. */
  invocation?: SkillInvocation;
  env?: NodeJS.ProcessEnv;
  /** `text` parsed, when the runner has parsed it already (it is then not parsed again). */
  parsed?: ParsedCommandFile;
}

/** How a claimed command ended. */
export interface ClaimedResult {
  status: 'completed' | 'failed';
  /**
   * Its terminal status as the status file now says it: parsed from the text the runner wrote, read from the file only
   * when a command wrote it itself. Undefined only for a command file that could not be parsed.
   */
  terminal?: StatusReading;
}

/** How the commands ended, and what is known of the terminal status without reading the file. */
interface CommandsResult {
  status: 'completed' | 'failed';
  /** The text of the terminal status the runner (or the in-process skill) wrote. */
  written?: string;
  /** The terminal status a command wrote itself, as read. */
  reading?: StatusReading;
}

/** How the runner runs commands. */
export interface RunClaimedOptions {
  projectRoot: string;
  agent: AgentCommands;
  /** Run the built-in execute-skill-command in this process. */
  inProcess: boolean;
  writer: StatusWriter;
  observer: ExecutionObserver;
  config?: ResolvedConfig;
  signal: AbortSignal;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Told of every attempt served, whoever records it to the metrics files (the daemon's /metrics counts them). */
  onServed?: (attempt: ServedAttempt) => void;
}

/** One attempt a runner served, in the metrics record's shape. */
export type ServedAttempt = Omit<ExecutionRecord, 'schemaVersion' | 'ts'>;

/**
 * Runs `claim` to its end; resolves to the terminal status written. Never rejects. A step from a foreign command file
 * (the original executor's, or a plain command) gets its metrics record here: no executor of ours records it.
 */
export async function runClaimed(claim: ClaimedCommand, options: RunClaimedOptions): Promise<ClaimedResult> {
  const startedAt = new Date().toISOString();
  const parsed = claim.parsed ?? parseCommandFile(claim.text);
  const statusFile = path.join(path.dirname(claim.claimedFile), STATUS_FILE_NAME);
  let terminal: StatusReading | undefined;
  /** The terminal status, parsed once: from the text written, or read from the file when a command wrote it. */
  const terminalStatus = async (result: CommandsResult): Promise<StatusReading> =>
    (terminal ??= result.reading ?? (result.written === undefined ? await readStatusFile(statusFile) : writtenStatus(result.written)));
  const commands = await traced(`runner ${options.agent.name}`, { kind: 'consumer', ...(parsed.ok && parsed.value.traceparent !== undefined ? { parent: parsed.value.traceparent } : {}), attributes: runnerSpanAttributes(parsed, options) }, async (span) => {
    const result = await runClaimedCommands({ ...claim, parsed }, options, span);
    span?.setAttributes({ 'tapps.status': result.status });
    if (result.status === 'completed') span?.succeed();
    else span?.fail(failureOf(await terminalStatus(result)));
    return result;
  });
  if (!parsed.ok) return { status: commands.status, ...(commands.written === undefined && commands.reading === undefined ? {} : { terminal: await terminalStatus(commands) }) };
  const reading = await terminalStatus(commands);
  // The record is for whoever counts what was served, and for a foreign command file's metrics: with neither (the
  // embedded runner serving its own executor, which records the attempt itself) it is not built.
  const foreign = parsed.value.form !== 'v2';
  if (options.onServed === undefined && !foreign) return { status: commands.status, terminal: reading };
  const record = servedAttempt(parsed.value, reading, startedAt, commands.status);
  try {
    options.onServed?.(record);
  } catch {
    // Counting what was served (the daemon's /metrics) never fails a step.
  }
  if (foreign) await options.observer.recordExecution(record);
  return { status: commands.status, terminal: reading };
}

/** The attempt a runner served, as a metrics record (agent, action, status, duration and usage from the status file). */
function servedAttempt(file: CommandFile, reading: StatusReading, startedAt: string, status: 'completed' | 'failed'): ServedAttempt {
  const report = reading.kind === 'ok' ? reading.report : undefined;
  const completedAt = new Date().toISOString();
  const { workflow_id, run_id, step_id, attempt } = file.correlation;
  const code = report?.error?.code;
  const [agent, action] = /^\s*@([\w-]+)\s+([\w-]+)/.exec(file.command)?.slice(1) ?? ['?', '?'];
  return {
    execution_id: `${run_id ?? workflow_id ?? 'unknown'}/${step_id ?? 'unknown'}/${attempt ?? 1}/${Date.parse(startedAt)}`,
    workflow_id: workflow_id ?? 'unknown',
    run_id: run_id ?? workflow_id ?? 'unknown',
    step_id: step_id ?? 'unknown',
    agent: (agent as string).toLowerCase(),
    action: normaliseAction(action as string),
    command: redactSecrets(file.command),
    status: status === 'completed' ? 'success' : code === 'TIMEOUT' ? 'timeout' : code === 'CANCELLED' || code === 'RUNNER_STOPPED' ? 'cancelled' : 'failed',
    duration_ms: Math.max(0, Date.parse(completedAt) - Date.parse(startedAt)),
    retry_count: Math.max(0, (attempt ?? 1) - 1),
    started_at: startedAt,
    completed_at: completedAt,
    error_message: status === 'completed' ? null : (report?.error?.message ?? 'failed'),
    usage: report?.usage ?? null,
  };
}

/** What the runner's span says about the command it runs (the command redacted, as in the file). */
function runnerSpanAttributes(parsed: ParsedCommandFile, options: RunClaimedOptions): SpanAttributes {
  const correlation = parsed.ok ? parsed.value.correlation : undefined;
  return {
    'tapps.runner.id': options.writer.id,
    'tapps.background_agent': options.agent.name,
    'tapps.command': parsed.ok ? parsed.value.command : undefined,
    'tapps.workflow.id': correlation?.workflow_id ?? undefined,
    'tapps.run.id': correlation?.run_id,
    'tapps.step.id': correlation?.step_id ?? undefined,
    'tapps.attempt': correlation?.attempt,
    'tapps.in_process': options.inProcess,
  };
}

/** The error of a failed attempt as its status file says it, for the span's status. */
function failureOf(reading: StatusReading): string {
  const error = reading.kind === 'ok' ? reading.report.error : undefined;
  return error === undefined ? 'failed' : `${error.code}: ${error.message}`;
}

async function runClaimedCommands(claim: ClaimedCommand & { parsed: ParsedCommandFile }, options: RunClaimedOptions, span: Span | undefined): Promise<CommandsResult> {
  const dir = path.dirname(claim.claimedFile);
  const statusFile = path.join(dir, STATUS_FILE_NAME);
  const parsed = claim.parsed;
  const correlation = parsed.ok ? statusCorrelation(parsed.value) : {};
  const stepDir = parsed.ok && parsed.value.worktreePath !== undefined ? parsed.value.worktreePath : path.basename(dir) === '.cursor' ? path.dirname(dir) : dir;
  const values = { command_file_path: claim.claimedFile, project_root: options.projectRoot, step_dir: stepDir, status_file_path: statusFile };
  // Handed over in-process, the step's environment is complete; read from the file, the step's variables come from it.
  const stepEnv = claim.env ?? { ...process.env, ...(parsed.ok ? parsed.value.environment : {}) };
  const env = { ...stepEnv, ...environmentOf(options.agent.environment, options.projectRoot), TAPPS_AGENTS_PROJECT_ROOT: options.projectRoot };
  const cwd = workingDirectoryOf(options.agent.workingDirectory, options.projectRoot);
  const audit = { ...correlation, actor: options.writer.id };

  // One reporter for what the runner itself says; a spawned command may write the status file too.
  const reporter = new StatusReporter(statusFile, correlation, parsed.ok ? parsed.value.command : '', options.writer);
  let wroteRunning = false;
  const since = Date.now();

  // Only command files for this project's own step directories are served (src/runner/worktree-path-check.ts). One
  // handed over in-process names the step directory this executor chose and created inside the project itself.
  const checkWorktree = parsed.ok && claim.invocation === undefined;
  const foreign = checkWorktree ? await foreignWorktreeReason(options.projectRoot, parsed.value.worktreePath).catch((error: unknown) => String(error)) : undefined;
  if (foreign !== undefined) {
    await options.observer.audit({ event: 'command.refused', ...audit, details: { command_file: claim.claimedFile, reason: foreign } });
    return finish(reporter, { status: 'failed', error: { code: 'WORKTREE_OUTSIDE_PROJECT', message: `Command file ${claim.claimedFile} refused: ${foreign}`, retryable: false } }, options, audit);
  }

  // A spawned command cannot be given secrets that were redacted from the file (the builtin refuses them itself).
  const refusesEnvironment = claim.env === undefined && parsed.ok && environmentRedacted(parsed.value);
  // The terminal status the in-process skill wrote, while no later command has run (it is then the file's content).
  let inProcessWritten: string | undefined;
  for (const [index, template] of options.agent.commands.entries()) {
    let expanded;
    try {
      expanded = expandCommand(template, values);
    } catch (error) {
      return finish(reporter, { status: 'failed', error: { code: 'COMMAND_INVALID', message: (error as Error).message, retryable: false } }, options, audit);
    }
    if (refusesEnvironment && !(expanded.builtin && options.inProcess)) {
      return finish(reporter, { status: 'failed', error: { code: 'COMMAND_REDACTED', message: redactedEnvironmentMessage(claim.claimedFile), retryable: false } }, options, audit);
    }
    if (expanded.builtin && options.inProcess) {
      const result = await executeCommandFile({
        commandFile: claim.claimedFile,
        text: claim.text,
        parsed,
        // Checked above, or handed over in-process (see checkWorktree).
        worktreeChecked: true,
        projectRoot: options.projectRoot,
        env,
        ...(claim.invocation === undefined ? {} : { invocation: claim.invocation }),
        signal: options.signal,
        timeoutMs: options.agent.timeoutMs,
        ...(options.config === undefined ? {} : { config: options.config }),
        observer: options.observer,
        writer: options.writer,
      });
      if (result.status === 'failed') return { status: 'failed', ...(result.written === undefined ? {} : { written: result.written }) };
      inProcessWritten = result.written;
      continue;
    }
    inProcessWritten = undefined;
    if (!wroteRunning) {
      await reporter.start({ heartbeats: false });
      wroteRunning = true;
      await options.observer.audit({ event: 'execution.started', ...audit, details: { agent: options.agent.name, status_file: statusFile } });
    }
    // The child may write the status file itself, so the runner's heartbeat only touches it (never rewrites it).
    const touch = setInterval(() => {
      void options.observer.audit({ event: 'execution.heartbeat', ...audit });
      const now = new Date();
      utimes(statusFile, now, now).catch(() => undefined);
    }, heartbeatIntervalMs());
    const result = await runProcess({
      file: expanded.argv[0] as string,
      args: expanded.argv.slice(1),
      cwd,
      // TRACEPARENT (the environment carrier of W3C trace context): a traced command's spans join the runner's.
      env: { ...(expanded.builtin ? withConfigHandoff(env, options.config) : env), ...(span === undefined ? {} : { TRACEPARENT: span.traceparent() }) },
      timeoutMs: options.agent.timeoutMs,
      signal: options.signal,
      ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
      maxOutputBytes: 64 * 1024,
    });
    clearInterval(touch);
    const label = `Command ${index + 1} of ${options.agent.commands.length} (${redactSecrets(template)})`;
    if (result.timedOut) {
      span?.addEvent('timeout', { 'tapps.timeout_ms': options.agent.timeoutMs, 'tapps.command_index': index + 1 });
      return finish(reporter, { status: 'failed', exitCode: 124, error: timeoutError(label, options.agent.timeoutMs) }, options, audit, 'execution.timeout');
    }
    if (result.cancelled) {
      return finish(reporter, { status: 'failed', error: { code: 'CANCELLED', message: `${label} was stopped (the runner is stopping or the step was cancelled)`, retryable: true } }, options, audit);
    }
    if (result.spawnError !== undefined) {
      return finish(reporter, { status: 'failed', exitCode: 127, error: { code: 'COMMAND_NOT_FOUND', message: `${label} could not start: ${result.spawnError.message}`, retryable: false } }, options, audit);
    }
    if (result.exitCode !== 0) {
      const own = await ownTerminalStatus(statusFile, since);
      if (own?.status === 'failed') return own;
      const tail = redactSecrets(result.stderr.trim().split('\n').slice(-5).join('\n'));
      const code = result.exitCode ?? 1;
      return finish(reporter, { status: 'failed', exitCode: code, error: { code: 'COMMAND_FAILED', message: `${label} exited with ${result.signal ?? `code ${code}`}${tail === '' ? '' : `: ${tail}`}`, retryable: false } }, options, audit);
    }
  }
  // The in-process skill ran last and completed: its status is the file's, no need to read it back.
  const own = inProcessWritten === undefined ? await ownTerminalStatus(statusFile, since) : { status: 'completed' as const, written: inProcessWritten };
  if (own !== undefined) {
    reporter.abandon();
    return own;
  }
  return finish(reporter, { status: 'completed', exitCode: 0 }, options, audit);
}

/** Our own skill command takes the runner's configuration instead of reading the files again (when it can be handed over). */
function withConfigHandoff(env: NodeJS.ProcessEnv, config: ResolvedConfig | undefined): NodeJS.ProcessEnv {
  const handoff = config === undefined ? undefined : encodeConfigHandoff(config);
  return handoff === undefined ? env : { ...env, [CONFIG_HANDOFF_VARIABLE]: handoff };
}

/** The terminal status a command wrote itself since `since`, if any. */
async function ownTerminalStatus(statusFile: string, since: number): Promise<CommandsResult | undefined> {
  const reading = await readStatusFile(statusFile);
  if (reading.kind !== 'ok' || !reading.report.terminal || reading.mtimeMs + 5 < since) return undefined;
  return { status: reading.report.status === 'completed' ? 'completed' : 'failed', reading };
}

async function finish(
  reporter: StatusReporter,
  terminal: TerminalStatus,
  options: RunClaimedOptions,
  audit: Record<string, unknown>,
  failedEvent: 'execution.failed' | 'execution.timeout' = 'execution.failed',
): Promise<CommandsResult> {
  const written = await reporter.finish(terminal);
  await options.observer.audit({
    event: terminal.status === 'completed' ? 'execution.completed' : failedEvent,
    ...audit,
    ...(terminal.error === undefined ? {} : { details: { error: terminal.error.message, code: terminal.error.code } }),
  });
  return { status: terminal.status, ...(written === undefined ? {} : { written }) };
}

/** KEY=VALUE entries with `${PROJECT_ROOT}` expanded. */
export function environmentOf(entries: readonly string[], projectRoot: string): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1).replaceAll('${PROJECT_ROOT}', projectRoot)];
    }),
  );
}

/** The directory an agent's commands run in: `working_directory` with `${PROJECT_ROOT}` expanded, else the project root. */
export function workingDirectoryOf(configured: string | undefined, projectRoot: string): string {
  if (configured === undefined) return projectRoot;
  return path.resolve(projectRoot, configured.replaceAll('${PROJECT_ROOT}', projectRoot));
}

/** Converts an agent's `timeout_seconds` (seconds or "30s") to milliseconds. */
export function agentTimeoutMs(value: number | string | undefined, fallbackSeconds: number): number {
  return parseDuration(value ?? fallbackSeconds) ?? fallbackSeconds * 1000;
}
