// Runs the skill a command file asks for and writes its status file (running, heartbeats, terminal) beside it.
// This is `workflow execute-skill-command --command-file` and the runner's in-process fast path.

import { stepError, type StepErrorCode, timeoutError } from '../step-errors.js';
import type { StepError } from '../step-errors.js';
import path from 'node:path';
import { executeSkill } from '../agents/execute-skill.js';
import { parseSkillCommand, type SkillInvocation } from '../protocol/skill-command.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { TappsError } from '../errors.js';
import { silentObserver, type ExecutionObserver } from '../observability/observer.js';
import { environmentRedacted, parseCommandFile, redactedEnvironmentMessage, type CommandFile, type ParsedCommandFile } from '../protocol/command-file.js';
import { STATUS_FILE_NAME } from '../protocol/paths.js';
import { currentWriter, type StatusCorrelation, type StatusWriter } from '../protocol/status-file.js';
import { StatusReporter, type TerminalStatus } from '../protocol/status-reporter.js';
import { foreignWorktreeReason } from './worktree-path-check.js';
import { setLongTimeout } from '../time/long-timeout.js';
import { activeTracer } from '../tracing/tracer.js';

/** What to run and how. */
/** The abort reason a runner gives its steps when it stops: the step is handed back (retryable), not failed. */
export const RUNNER_STOPPING = 'runner-stopping';

export interface ExecuteCommandFileOptions {
  /** The command file (or its claimed copy); the status file is written beside it. */
  commandFile: string;
  /** Its text, when the caller has already read it (a claim reads it right after the rename). */
  text: string;
  /** `text` parsed, when the caller has parsed it already (the runner parses a claimed file once). */
  parsed?: ParsedCommandFile;
  /** The caller has checked the command's `worktree_path` already (src/runner/worktree-path-check.ts). */
  worktreeChecked?: boolean;
  projectRoot: string;
  /** Environment of the skill: secrets arrive here, never in files. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The unredacted invocation, when the writer is in this process (the embedded runner). */
  invocation?: SkillInvocation;
  /** Cancels the skill. */
  signal?: AbortSignal;
  /** Upper bound on the skill's time, on top of the command file's own `timeout_ms`. */
  timeoutMs?: number;
  config?: ResolvedConfig;
  observer?: ExecutionObserver;
  writer?: StatusWriter;
}

/** How the command file's attempt ended. */
export interface ExecuteCommandFileResult {
  status: 'completed' | 'failed';
  statusFile: string;
  error?: StepError;
  /** 0 for completed, 1 for failed (the exit code of `execute-skill-command`). */
  exitCode: 0 | 1;
  /** The text of the terminal status written to `statusFile` (what a reader of it now gets). */
  written?: string;
}

const DEFAULT_TIMEOUT_MS = 3_600_000;

/** Runs one command file to its end and writes the terminal status. Never rejects for a failing skill. */
export async function executeCommandFile(options: ExecuteCommandFileOptions): Promise<ExecuteCommandFileResult> {
  const observer = options.observer ?? silentObserver;
  const dir = path.dirname(options.commandFile);
  const statusFile = path.join(dir, STATUS_FILE_NAME);
  const writer = options.writer ?? currentWriter(`execute-skill-command:${process.pid}`);
  const parsed = options.parsed ?? parseCommandFile(options.text);
  const file: CommandFile | undefined = parsed.ok ? parsed.value : undefined;
  const correlation = file === undefined ? {} : statusCorrelation(file);
  const reporter = new StatusReporter(statusFile, correlation, file?.command ?? '', writer, () => {
    void observer.audit({ event: 'execution.heartbeat', ...correlation, actor: writer.id });
  });
  const fail = async (code: StepErrorCode, message: string, retryable = false): Promise<ExecuteCommandFileResult> => {
    const error = stepError(code, message, retryable);
    const written = await reporter.finish({ status: 'failed', error, exitCode: 1 });
    return { status: 'failed', statusFile, error, exitCode: 1, ...(written === undefined ? {} : { written }) };
  };

  if (!parsed.ok) return fail('COMMAND_FILE_INVALID', `Command file ${options.commandFile} cannot be used: ${parsed.reason}`);
  const command = parsed.value;
  let invocation = options.invocation;
  if (invocation === undefined) {
    if (command.redactionApplied) {
      return fail(
        'COMMAND_REDACTED',
        environmentRedacted(command)
          ? redactedEnvironmentMessage(options.commandFile)
          : `Command file ${options.commandFile} holds a command whose secrets were redacted, so it cannot be run from the file. Pass secrets through environment variables (e.g. OPENAI_API_KEY) instead of step params.`,
      );
    }
    try {
      invocation = parseSkillCommand(command.command);
    } catch (error) {
      return fail('SKILL_COMMAND_INVALID', TappsError.is(error) ? error.message : String(error));
    }
  }

  const foreign = options.worktreeChecked === true ? undefined : await foreignWorktreeReason(options.projectRoot, command.worktreePath);
  if (foreign !== undefined) {
    await observer.audit({ event: 'command.refused', ...correlation, actor: writer.id, details: { command_file: options.commandFile, reason: foreign } });
    return fail('WORKTREE_OUTSIDE_PROJECT', `Command file ${options.commandFile} refused: ${foreign}`);
  }
  const stepDir = command.worktreePath ?? (path.basename(dir) === '.cursor' ? path.dirname(dir) : dir);
  const timeoutMs = Math.min(command.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const controller = new AbortController();
  const timer = setLongTimeout(() => controller.abort(new TappsError('TIMEOUT', timeoutError('Step', timeoutMs).message)), timeoutMs);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  await reporter.start();
  const audit = { ...correlation, actor: writer.id };
  await observer.audit({ event: 'execution.started', ...audit, details: { command: command.command, status_file: statusFile } });
  let terminal: TerminalStatus;
  // The skill's span: a child of the runner's (in-process, or TRACEPARENT from a runner that spawned this command),
  // else of the executor's attempt span named in the command file. Engine calls inside become its children.
  const tracer = activeTracer();
  const parent = tracer === undefined ? undefined : (tracer.activeTraceparent() ?? options.env?.TRACEPARENT ?? process.env.TRACEPARENT ?? command.traceparent);
  const span = tracer?.startSpan(`skill @${invocation.agent} ${invocation.action}`, {
    ...(parent === undefined ? {} : { parent }),
    attributes: { 'tapps.agent': invocation.agent, 'tapps.action': invocation.action, 'tapps.command': command.command, 'tapps.run.id': correlation.run_id, 'tapps.step.id': correlation.step_id, 'tapps.attempt': correlation.attempt, 'tapps.engine': command.engine },
  });
  try {
    const run = () => executeSkill(invocation, {
      projectRoot: options.projectRoot,
      stepDir,
      ...(command.worktreePath === undefined ? {} : { workDir: command.worktreePath }),
      correlation: {
        workflow_id: correlation.workflow_id ?? 'unknown',
        run_id: correlation.run_id ?? correlation.workflow_id ?? 'unknown',
        step_id: correlation.step_id ?? 'unknown',
        attempt: correlation.attempt ?? 1,
      },
      timeoutMs,
      signal: controller.signal,
      env: options.env ?? { ...process.env, ...command.environment },
      inputs: command.inputs,
      expectedArtifacts: command.correlation.expected_artifacts,
      ...(command.engine === undefined ? {} : { engine: command.engine }),
      ...(options.config === undefined ? {} : { config: options.config }),
      logger: observer.logger,
      onProgress: (progress) => reporter.setProgress(progress),
      ...(command.context?.summary === undefined ? {} : { runSummary: command.context.summary }),
      // A command file run by hand keeps its records (prompt.md, replaced files) beside it.
      run: { workflow: { name: '', description: '' }, params: {}, files: [], ...command.context, recordDir: command.context?.recordDir ?? dir },
    });
    const result = tracer === undefined || span === undefined ? await run() : await tracer.withActiveSpan(span, run);
    const timedOut = controller.signal.aborted && options.signal?.aborted !== true;
    terminal =
      result.status === 'success'
        ? { status: 'completed', artifacts: result.artifacts, outputs: result.outputs, exitCode: 0, ...optional(result) }
        : {
            status: 'failed',
            artifacts: result.artifacts,
            outputs: result.outputs,
            exitCode: 1,
            ...optional(result),
            error: timedOut
              ? timeoutError('Step', timeoutMs)
              : options.signal?.reason === RUNNER_STOPPING
                ? { code: 'RUNNER_STOPPED', message: 'The background agent stopped while this step was running; the step can run again', retryable: true }
                : (result.error ?? { code: 'FAILED', message: 'The skill failed without saying why', retryable: false }),
          };
  } catch (error) {
    span?.fail(error instanceof Error ? error.message : String(error));
    span?.end();
    throw error;
  } finally {
    timer.clear();
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (span !== undefined) {
    span.setAttributes({ 'tapps.status': terminal.status, 'gen_ai.usage.input_tokens': terminal.usage?.input_tokens, 'gen_ai.usage.output_tokens': terminal.usage?.output_tokens, 'tapps.cost_usd': terminal.usage?.cost_usd });
    if (terminal.error?.code === 'TIMEOUT') span.addEvent('timeout', { 'tapps.timeout_ms': timeoutMs });
    if (terminal.status === 'completed') span.succeed();
    else span.fail(terminal.error === undefined ? 'failed' : `${terminal.error.code}: ${terminal.error.message}`);
    span.end();
  }
  const written = await reporter.finish(terminal);
  await observer.audit({
    event: terminal.status === 'completed' ? 'execution.completed' : 'execution.failed',
    ...audit,
    details: { status_file: statusFile, ...(terminal.error === undefined ? {} : { error: terminal.error.message }) },
  });
  return {
    status: terminal.status,
    statusFile,
    ...(terminal.error === undefined ? {} : { error: terminal.error }),
    exitCode: terminal.status === 'completed' ? 0 : 1,
    ...(written === undefined ? {} : { written }),
  };
}

/** The status correlation for a command file: everything it names (the original's files lack run id and attempt). */
export function statusCorrelation(file: CommandFile): Partial<StatusCorrelation> {
  const { workflow_id, run_id, step_id, attempt } = file.correlation;
  return {
    ...(workflow_id == null ? {} : { workflow_id }),
    ...(run_id === undefined ? {} : { run_id }),
    ...(step_id == null ? {} : { step_id }),
    ...(attempt === undefined ? {} : { attempt }),
  };
}

function optional(result: { output?: string; usage?: TerminalStatus['usage'] }): Pick<TerminalStatus, 'output' | 'usage'> {
  return { ...(result.output === undefined ? {} : { output: result.output }), ...(result.usage === undefined ? {} : { usage: result.usage }) };
}
