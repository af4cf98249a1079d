// Starting and resuming runs from a project: load the workflow, resolve the configuration (with the workflow's
// metadata.auto_execution), pick the transport, and drive the run. The `workflow execute|resume` commands call these.

import { rm } from 'node:fs/promises';
import { readRegularFile } from '../fs/read-regular-file.js';
import { hostname } from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { preflightEngines } from '../agents/preflight-engines.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { TappsError } from '../errors.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { createObserver } from '../observability/create-observer.js';
import type { ExecutionObserver } from '../observability/observer.js';
import { killLiveGroupsOnExit } from '../exec/process-group.js';
import { selectTransport } from './select-transport.js';
import { findLiveRunner } from '../protocol/runner-status.js';
import { takeOverOrphanedGroups } from '../exec/orphan-groups.js';
import type { CommandWritten } from '../transport/file.js';
import type { Transport } from '../transport/transport.js';
import type { Clock } from './clock.js';
import { executeRun, type RunReport } from './executor.js';
import { newRunState, prepareResume } from './run-state-factories.js';
import { loadWorkflowOrThrow } from './load-workflow.js';
import type { Workflow } from './model.js';
import { checkRunId, newRunId, runPaths } from '../protocol/run-paths.js';
import { isExecutorAlive, readRunState, type RunEvent } from './run-state.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import { traceRun } from '../observability/run-tracing.js';
import { startTracingIfRequested } from '../tracing/load-tracing.js';

/** Options shared by execute and resume. */
export interface RunOptions {
  projectRoot: string;
  /** `--auto` / `--no-auto`. */
  autoFlag?: boolean;
  /** Metrics, audit and logs. @default an observer built from the project's configuration, as the CLI's (`createObserver`) */
  observer?: ExecutionObserver;
  /** Builds the observer once the configuration is resolved (its feature flags decide what is recorded); used when `observer` is not given. */
  observerFor?: (config: ResolvedConfig) => ExecutionObserver;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Called once the run id is known and its state exists, before the first step. */
  onStart?: (info: { runId: string; workflow: Workflow; config: ResolvedConfig; transport: Transport }) => void;
  clock?: Clock;
  /** Use this transport instead of the one selectTransport picks (library use and tests). */
  transport?: Transport;
  /** `--transport file|queue`: outranks workflow.transport of config.yaml (a resumed run keeps the one it started with). */
  transportKind?: 'file' | 'queue';
  /** `--manual`: steps write command files and instructions and wait for anyone to write their status files. */
  manual?: boolean;
  /** Told which runner serves the run (an embedded one, the daemon) or that it is manual. */
  onNotice?: (message: string) => void;
  /** Told where each step's command file was written (manual mode prints it). */
  onCommandWritten?: (written: CommandWritten) => void;
}

export interface ExecuteWorkflowOptions extends RunOptions {
  /** The workflow file. */
  file: string;
  /** `--param key=value` values; they override the workflow's `params:`. */
  params?: Record<string, unknown>;
}

/**
 * Runs a workflow file as a new run. A run whose steps fail is not thrown: `state.status` says how it ended
 * (`failed`, `completed_with_failures`, `cancelled`) and each step's `error.code` why (STEP_ERRORS).
 * @throws {TappsError} WORKFLOW_INVALID (every problem as file:line:col); FILE_UNREADABLE (the workflow file); CONFIG_INVALID
 *   (a configuration file, or no engine for a model-backed step); NO_RUNNER (`workflow.runner: external` and no
 *   background agent); LOCK_HELD (the run is being executed elsewhere); OUTSIDE_PROJECT (a write through a link out of
 *   the project); STORAGE_FAILED (the run's state could not be saved, e.g. disk full); USAGE (a bad id).
 */
export async function executeWorkflow(options: ExecuteWorkflowOptions): Promise<RunReport> {
  const { workflow } = await loadWorkflowOrThrow(options.file, { params: options.params ?? {} });
  const runId = newRunId(workflow.id);
  return drive(options, workflow, runId, async (config, autoExecution, transport) => {
    const paths = runPaths(options.projectRoot, runId);
    await makeDirectoryInside(paths.dir, 0o700, options.projectRoot);
    // The run's own copy (resume reads it), private like every file under .tapps-agents (copyFile kept the source's mode).
    await writeFileAtomically(paths.workflow, await readRegularFile(workflow.absolutePath));
    return newRunState({ projectRoot: options.projectRoot, workflow, runId, params: options.params ?? {}, autoExecution, transport: transport.kind, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  });
}

/**
 * Continues a run with the same run id: finished steps never run again; a step that was running runs once more.
 * @throws {TappsError} RUN_NOT_FOUND; RUN_DAMAGED when its state.json cannot be used; CONFLICT when the run succeeded or its executor is still alive.
 */
export async function resumeWorkflow(options: RunOptions & { runId: string }): Promise<RunReport> {
  const runId = checkRunId(options.runId);
  const state = await readRunState(options.projectRoot, runId);
  if (state.status === 'succeeded') throw new TappsError('CONFLICT', `Run ${runId} already succeeded; start a new run with "tapps-agents workflow execute --workflow ${state.workflow_file}"`);
  if ((state.status === 'running' || state.status === 'waiting_approval') && state.executor.pid !== process.pid && isExecutorAlive(state)) {
    throw new TappsError('CONFLICT', `Run ${runId} is still being executed by pid ${state.executor.pid}; wait for it, or stop it with "tapps-agents workflow cancel ${runId}"`);
  }
  // The copy taken at the start: the run continues with the definition it started with.
  const { workflow } = await loadWorkflowOrThrow(runPaths(options.projectRoot, runId).workflow, { params: state.params });
  const missing = workflow.steps.filter((step) => state.steps[step.id] === undefined);
  if (missing.length > 0) throw new TappsError('RUN_DAMAGED', `Run ${runId} is damaged: its state.json does not match its workflow copy (steps ${missing.map((step) => step.id).join(', ')} are missing from it). Start a new run with "tapps-agents workflow execute --workflow ${state.workflow_file}".`);
  workflow.file = state.workflow_file;
  prepareResume(state, options.clock);
  const autoFlag = options.autoFlag ?? state.auto_execution;
  // A run that went through the queue resumes through it: its jobs (running or finished) are adopted there.
  const transportKind = options.transportKind ?? (state.transport === 'queue' ? 'queue' : undefined);
  return drive({ ...options, autoFlag, ...(transportKind === undefined ? {} : { transportKind }) }, workflow, runId, () => Promise.resolve(state));
}

async function drive(
  options: RunOptions,
  workflow: Workflow,
  runId: string,
  makeState: (config: ResolvedConfig, autoExecution: boolean, transport: Transport) => Promise<ReturnType<typeof newRunState>>,
): Promise<RunReport> {
  const config = await resolveConfig({
    projectRoot: options.projectRoot,
    ...(options.autoFlag === undefined ? {} : { autoFlag: options.autoFlag }),
    ...(workflow.autoExecution === undefined ? {} : { workflowAutoExecution: { ...workflow.autoExecution, file: workflow.file } }),
    ...(options.transportKind === undefined ? {} : { transportFlag: options.transportKind }),
  });
  // As the CLI does: metrics, audit and the debug log as the configuration says, and no step left running on exit.
  const given = options.observer ?? options.observerFor?.(config) ?? createObserver(options.projectRoot, config, { actor: 'executor' });
  // Traces only when the OpenTelemetry environment asks for them; otherwise nothing of OpenTelemetry is loaded.
  const tracer = await startTracingIfRequested();
  const tracing = tracer === undefined ? undefined : traceRun(tracer, given, { workflowId: workflow.id, runId, workflowFile: workflow.file });
  const observer = tracing?.observer ?? given;
  const traced: RunOptions = tracing === undefined ? options : {
    ...options,
    onEvent: (event) => {
      tracing.onEvent(event);
      options.onEvent?.(event);
    },
    onStart: (info) => {
      tracing.annotate({ 'tapps.transport': info.transport.kind });
      options.onStart?.(info);
    },
  };
  try {
    return await driveObserved(traced, workflow, runId, config, observer, makeState);
  } catch (error) {
    tracing?.end(error);
    throw error;
  } finally {
    tracing?.end();
    await tracer?.flush().catch(() => undefined);
  }
}

async function driveObserved(
  options: RunOptions,
  workflow: Workflow,
  runId: string,
  config: ResolvedConfig,
  observer: ExecutionObserver,
  makeState: (config: ResolvedConfig, autoExecution: boolean, transport: Transport) => Promise<ReturnType<typeof newRunState>>,
): Promise<RunReport> {
  killLiveGroupsOnExit();
  const autoExecution = config.autoExecution.enabled;
  // Steps an executor killed earlier left running (inline or embedded runner) must not overlap with their re-run.
  await takeOverOrphanedGroups(options.projectRoot, observer, 'executor');
  // Queue workers run the steps with their own engines and environment: this machine's are not the ones to check.
  if (options.transport === undefined && config.workflow.transport !== 'queue') {
    const steps = workflow.steps.flatMap((step) => (step.invocation === undefined ? [] : [{ id: step.id, agent: step.invocation.agent, action: step.invocation.action, engine: step.engine }]));
    // A live daemon runs the steps with its own PATH and environment: the check is made with its view too.
    const daemon = autoExecution && options.manual !== true && config.workflow.runner !== 'embedded' ? await findLiveRunner(options.projectRoot) : undefined;
    const problems = preflightEngines(steps, config, process.env, daemon);
    if (problems.length > 0) {
      throw new TappsError('CONFIG_INVALID', `Cannot start ${workflow.file}: ${problems.length === 1 ? 'a model-backed step has' : `${problems.length} model-backed steps have`} no engine that can run here:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    }
  }
  const transport =
    options.transport ??
    (await selectTransport({
      projectRoot: options.projectRoot,
      config,
      autoExecution,
      observer,
      runId,
      ...(options.manual === undefined ? {} : { manual: options.manual }),
      ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
      ...(options.onCommandWritten === undefined ? {} : { onCommandWritten: options.onCommandWritten }),
    }));
  let release: (() => Promise<void>) | undefined;
  try {
    const state = await makeState(config, autoExecution, transport);
    release = await lockRun(options.projectRoot, runId);
    options.onStart?.({ runId, workflow, config, transport });
    return await executeRun({
      projectRoot: options.projectRoot,
      workflow,
      config,
      transport,
      state,
      observer,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    });
  } finally {
    await release?.();
    await transport.close();
  }
}

/**
 * Holds the run's lock while an executor drives it, so two `resume`s of one run never race.
 * @throws {TappsError} LOCK_HELD when another live process holds it.
 */
async function lockRun(projectRoot: string, runId: string): Promise<() => Promise<void>> {
  const dir = runPaths(projectRoot, runId).dir;
  const lockPath = path.join(dir, 'executor.lock');
  const lock = () => lockfile.lock(dir, { lockfilePath: lockPath, stale: 30_000, update: 10_000, retries: 0, realpath: false, onCompromised: () => undefined });
  await makeDirectoryInside(dir, 0o700, projectRoot);
  try {
    return await lock();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    // The lock of an executor that was killed (kill -9) looks fresh for up to 30 s; its pid tells the truth.
    const state = await readRunState(projectRoot, runId).catch(() => undefined);
    const holderGone = state !== undefined && state.executor.host === hostname() && (state.executor.pid === process.pid || !isExecutorAlive(state));
    if (holderGone) {
      await rm(lockPath, { recursive: true, force: true });
      return lock();
    }
    throw new TappsError('LOCK_HELD', `Run ${runId} is being executed by another process (${lockPath}); wait for it or stop it with "tapps-agents workflow cancel ${runId}"`, { cause: error });
  }
}
