// The background agent: watches for command files, claims each by rename, runs the configured commands with at most
// `global.max_parallel_agents` at once, writes statuses, and keeps `.tapps-agents/runner/status.json` current.
// Runs as a daemon (`background-agent run|start`) or embedded in `workflow execute`, which hands it command files
// directly instead of watching.

import { randomBytes } from 'node:crypto';
import { access, realpath, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { SkillInvocation } from '../protocol/skill-command.js';
import { DEFAULTS } from '../config/defaults.js';
import { engineCommands, resolveEngineCommands } from '../engines/engine-commands.js';
import { configPaths } from '../config/project-root.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { takeOverOrphanedGroups } from '../exec/orphan-groups.js';
import { procStat } from '../exec/process-alive.js';
import { silentObserver, type ExecutionObserver } from '../observability/observer.js';
import { claimCommandFile } from '../protocol/claim.js';
import { parseCommandFile } from '../protocol/command-file.js';
import { heartbeatIntervalMs } from '../protocol/liveness.js';
import { CANCEL_FILE_NAME } from '../protocol/paths.js';
import { currentWriter, type StatusCorrelation, type StatusWriter } from '../protocol/status-file.js';
import { watchDirectory, type DirectoryWatch } from '../protocol/watch.js';
import { acquireRunnerLock, type ReleaseLock } from './runner-lock.js';
import { RUNNER_HEARTBEAT_MS, writeRunnerStatus, type RunnerCounts, type RunnerSlot, type RunnerStatus } from '../protocol/runner-status.js';
import { pruneGoneEmbeddedRunners, removeEmbeddedRunnerStatus, writeEmbeddedRunnerStatus } from '../protocol/embedded-runner-status.js';
import { agentTimeoutMs, runClaimed, type AgentCommands, type ServedAttempt } from './run-claimed.js';
import { compileWatchPaths, type WatchPlan } from './watch-paths.js';
import { watchTree, type TreeWatch } from './tree-watch.js';
import { kindOfNonRegular } from '../fs/read-regular-file.js';
import { RUNNER_STOPPING, statusCorrelation } from './execute-command-file.js';
import { setLongTimeout, type LongTimeout } from '../time/long-timeout.js';
import { endedAttemptReason } from './attempt-still-wanted.js';

/** How a runner is set up. */
export interface RunnerOptions {
  projectRoot: string;
  observer?: ExecutionObserver;
  /**
   * Embedded in `workflow execute`: no lock, no watching, no status.json (its status goes to runner/embedded/ instead);
   * command files arrive through `offer`.
   */
  embedded?: boolean;
  /** The run an embedded runner serves, shown by `auto-execution status`. */
  runId?: string;
  /**
   * Take the project's singleton lock and publish status.json. @default true. Turn it off only to run several
   * runners over one project on purpose (machines sharing a file system, race tests); claims stay exclusive.
   */
  singleton?: boolean;
  /** Use this configuration instead of loading it (and do not reload it). */
  config?: ResolvedConfig;
  /** Grace period for running steps when stopping. @default 10 s */
  stopGraceMs?: number;
  /** Where the daemon's log goes, shown in status. */
  logFile?: string;
  /** Told of every attempt this runner served (the daemon's Prometheus metrics). */
  onServed?: (attempt: ServedAttempt) => void;
}

/** What is handed over with an offered command file by a writer in the same process. */
export interface OfferExtras {
  invocation?: SkillInvocation;
  env?: NodeJS.ProcessEnv;
}

interface Agent extends AgentCommands {
  plan: WatchPlan;
}

/** A background-agent runner. */
export class Runner {
  readonly id: string;
  readonly projectRoot: string;
  readonly counts: RunnerCounts = { claimed: 0, running: 0, finished: 0, failed: 0, refused: 0 };
  private readonly options: RunnerOptions;
  private readonly observer: ExecutionObserver;
  private readonly writer: StatusWriter;
  private config: ResolvedConfig | undefined;
  private agents: Agent[] = [];
  private maxParallel: number = DEFAULTS.backgroundAgent.maxParallelAgents;
  private inProcess = true;
  private readonly pending = new Map<string, OfferExtras>();
  /** Commands being handled; `slot` once claimed (what status.json says the slot runs). */
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void>; slot?: RunnerSlot }>();
  private watches: TreeWatch[] = [];
  private configWatch: DirectoryWatch | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private release: ReleaseLock | undefined;
  private state: RunnerStatus['state'] = 'starting';
  private startedAt = new Date().toISOString();
  private realRoot = '';
  private idleWaiters: (() => void)[] = [];
  /** Recorded beside the pid, so `background-agent stop` never signals a later process given this pid. */
  private readonly pidStart = procStat(process.pid)?.start;
  /** What a daemon publishes of its environment (its PATH, the engine CLIs on it, variable names); see applyConfig. */
  private environmentView: Pick<RunnerStatus, 'path' | 'engine_commands' | 'env_names'> = {};

  constructor(options: RunnerOptions) {
    this.options = options;
    this.projectRoot = options.projectRoot;
    this.observer = options.observer ?? silentObserver;
    this.id = `${options.embedded === true ? 'embedded' : 'runner'}-${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
    this.writer = currentWriter(this.id);
  }

  /** Step slots (max_parallel_agents): how many run a step now and how many are free. */
  get slots(): { busy: number; free: number } {
    const busy = this.running.size;
    return { busy, free: Math.max(0, this.maxParallel - busy) };
  }

  /** Watch paths of all enabled agents. */
  get watchPaths(): string[] {
    return this.agents.flatMap((agent) => agent.plan.patterns);
  }

  /**
   * Starts the runner: takes the project lock (daemon), loads the configuration, starts watching.
   * @throws {TappsError} LOCK_HELD when another runner is alive; CONFIG_INVALID for a broken configuration.
   */
  async start(): Promise<void> {
    this.realRoot = await realpath(this.projectRoot);
    const embedded = this.options.embedded === true;
    if (embedded) await pruneGoneEmbeddedRunners(this.projectRoot);
    if (this.holdsLock) {
      this.release = await acquireRunnerLock(this.projectRoot, (error) => {
        this.observer.logger.error('runner lock compromised; stopping', { error: error.message });
        void this.stop({ graceMs: 0 });
      });
    }
    try {
      this.applyConfig(this.options.config ?? (await resolveConfig({ projectRoot: this.projectRoot })));
    } catch (error) {
      await this.release?.();
      throw error;
    }
    // Before running anything: steps left running by a runner or executor that was killed must not overlap with
    // their re-run.
    await takeOverOrphanedGroups(this.projectRoot, this.observer, this.id);
    this.state = 'running';
    this.startedAt = new Date().toISOString();
    if (!embedded) {
      this.startWatching();
      if (this.options.config === undefined) this.watchConfig();
    }
    await this.writeStatus();
    // Also what keeps a watching runner's process alive: its watchers do not hold the event loop. An embedded runner
    // lives as long as its workflow execute, so its heartbeat must not keep that process alive.
    this.heartbeat = setInterval(() => void this.writeStatus(), RUNNER_HEARTBEAT_MS);
    if (embedded) this.heartbeat.unref();
    await this.observer.audit({ event: 'runner.started', actor: this.id, details: { pid: process.pid, embedded, watch_paths: this.watchPaths } });
  }

  /**
   * Hands a command file to this runner (the embedded runner's only input; a daemon's watcher uses it too). Returns
   * false, taking nothing, once the runner is stopping: the file stays where it is for another runner.
   */
  offer(commandFile: string, extras: OfferExtras = {}): boolean {
    if (this.state !== 'running') return false;
    this.pending.set(commandFile, extras);
    this.pump();
    return true;
  }

  /** Cancels the step of `commandFile` if this runner is running it (its process groups are killed). */
  cancel(commandFile: string): void {
    this.pending.delete(commandFile);
    this.running.get(commandFile)?.controller.abort();
  }

  /** Resolves once nothing is pending or running. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops claiming, lets running steps finish within the grace period, then cancels them (killing their process
   * groups), releases the lock and writes the final status.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.state = 'stopping';
    for (const watch of this.watches) watch.close();
    this.configWatch?.close();
    this.pending.clear();
    await this.writeStatus();
    const grace = options.graceMs ?? this.options.stopGraceMs ?? 10_000;
    const all = Promise.all([...this.running.values()].map((run) => run.done));
    let timer: LongTimeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => (timer = setLongTimeout(() => resolve(true), grace)))]);
    timer?.clear();
    if (timedOut) {
      for (const run of this.running.values()) run.controller.abort(RUNNER_STOPPING);
      await all;
    }
    clearInterval(this.heartbeat);
    this.state = 'stopped';
    await this.writeStatus();
    await this.release?.().catch(() => undefined);
    await this.observer.audit({ event: 'runner.stopped', actor: this.id, details: { counts: { ...this.counts } } });
  }

  private applyConfig(config: ResolvedConfig): void {
    this.config = config;
    const file = config.backgroundAgents;
    const fallbackSeconds = DEFAULTS.backgroundAgent.timeoutSeconds;
    const configured = (file?.agents ?? []).filter((agent) => agent.enabled);
    const agents = configured.length > 0 ? configured : undefined;
    this.agents = (
      agents ?? [{ name: DEFAULTS.backgroundAgent.name, commands: [DEFAULTS.backgroundAgent.command], watch_paths: [...DEFAULTS.backgroundAgent.watchPaths], environment: [], timeout_seconds: fallbackSeconds, working_directory: undefined }]
    ).map((agent) => ({
      name: agent.name,
      commands: agent.commands,
      timeoutMs: agentTimeoutMs(agent.timeout_seconds ?? file?.global.timeout_seconds, fallbackSeconds),
      environment: agent.environment,
      ...(agent.working_directory === undefined ? {} : { workingDirectory: agent.working_directory }),
      plan: compileWatchPaths(this.projectRoot, agent.watch_paths ?? []),
    }));
    this.maxParallel = file?.global.max_parallel_agents ?? DEFAULTS.backgroundAgent.maxParallelAgents;
    // A daemon's steps see its environment (and its agents' `environment:`), not the shell's that runs
    // `workflow execute`: it publishes what it has for the pre-run engine check.
    if (this.options.embedded !== true) {
      const agentNames = this.agents.flatMap((agent) => agent.environment.map((entry) => entry.slice(0, entry.indexOf('='))));
      this.environmentView = { path: process.env.PATH ?? '', engine_commands: resolveEngineCommands(engineCommands(config), process.env), env_names: [...new Set([...Object.keys(process.env), ...agentNames])].sort() };
    }
    this.inProcess = file?.global.in_process ?? true;
  }

  private startWatching(): void {
    for (const watch of this.watches) watch.close();
    const rescanMs = this.config?.autoExecution.polling.intervalMs ?? 5000;
    this.watches = this.agents.map((agent) => watchTree(this.projectRoot, agent.plan, (file) => void this.offer(file), { rescanMs: Math.max(rescanMs, 50) }));
  }

  /** Reloads `.cursor/background-agents.yaml` when it changes; a broken file keeps the previous configuration. */
  private watchConfig(): void {
    const file = configPaths(this.projectRoot).backgroundAgents;
    let reloading = false;
    let lastSeen = '';
    const signature = () => stat(file).then((info) => `${info.mtimeMs}:${info.size}`, () => 'missing');
    void signature().then((value) => (lastSeen = value));
    this.configWatch = watchDirectory(
      path.dirname(file),
      (name) => {
        if ((name !== undefined && name !== path.basename(file)) || reloading || this.state !== 'running') return;
        reloading = true;
        // Only a changed file is parsed again: the periodic rescan must cost next to nothing while idle.
        signature()
          .then((value) => {
            if (value === lastSeen) return undefined;
            lastSeen = value;
            return resolveConfig({ projectRoot: this.projectRoot });
          })
          .then((config) => {
            if (config === undefined) return;
            const before = JSON.stringify(this.config?.backgroundAgents);
            if (JSON.stringify(config.backgroundAgents) === before) return;
            this.applyConfig(config);
            if (this.state === 'running') this.startWatching();
            this.observer.logger.info('configuration reloaded', { watch_paths: this.watchPaths });
            return this.writeStatus();
          })
          .catch((error: unknown) => this.observer.logger.warn('configuration not reloaded: keeping the previous one', { error: String(error) }))
          .finally(() => (reloading = false));
      },
      { rescanMs: 10_000 },
    );
  }

  private pump(): void {
    for (const [file, extras] of this.pending) {
      if (this.state !== 'running' || this.running.size >= this.maxParallel) break;
      // A new attempt's command file at a path still being finished waits for that run to end.
      if (this.running.has(file)) continue;
      this.pending.delete(file);
      const controller = new AbortController();
      const entry = { controller, done: Promise.resolve() };
      this.running.set(file, entry);
      // The executor asks an out-of-process runner to stop a step by writing the cancel file beside the command.
      const cancelFile = path.join(path.dirname(file), CANCEL_FILE_NAME);
      const cancelWatch = setInterval(() => {
        access(cancelFile).then(() => controller.abort(), () => undefined);
      }, heartbeatIntervalMs());
      entry.done = this.handle(file, extras, controller.signal)
        .catch((error: unknown) => this.observer.logger.error('runner failed to handle a command file', { file, error: String(error) }))
        .finally(() => {
          clearInterval(cancelWatch);
          this.running.delete(file);
          this.pump();
          if (this.pending.size === 0 && this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
    if (this.pending.size === 0 && this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async handle(file: string, extras: OfferExtras, signal: AbortSignal): Promise<void> {
    const agent = await this.agentFor(file, extras);
    if (agent === undefined) return;
    const claim = await claimCommandFile(file);
    if (claim === undefined) return; // another runner won, or the file is gone
    const parsed = parseCommandFile(claim.text);
    // A file left by a run that is over, or by an attempt that ended, is removed unrun (src/runner/attempt-still-wanted.ts);
    // one handed over in-process comes from the live executor that just wrote it.
    const ended = parsed.ok && extras.invocation === undefined ? await endedAttemptReason(this.projectRoot, parsed.value.correlation) : undefined;
    if (ended !== undefined && parsed.ok) {
      this.counts.refused++;
      this.statusSoon();
      await unlink(claim.claimedFile).catch(() => undefined);
      this.observer.logger.warn('command file refused', { file, reason: ended });
      await this.observer.audit({ event: 'command.refused', ...statusCorrelation(parsed.value), actor: this.id, details: { command_file: file, reason: ended } });
      return;
    }
    this.counts.claimed++;
    this.counts.running++;
    const entry = this.running.get(file);
    if (entry !== undefined) entry.slot = slotOf(parsed.ok ? statusCorrelation(parsed.value) : {}, path.relative(this.projectRoot, file));
    this.statusSoon();
    await this.observer.audit({
      event: 'command.claimed',
      ...(parsed.ok ? statusCorrelation(parsed.value) : {}),
      actor: this.id,
      details: { command_file: file, agent: agent.name },
    });
    try {
      const result = await runClaimed(
        { claimedFile: claim.claimedFile, text: claim.text, commandFile: file, ...extras },
        { projectRoot: this.projectRoot, agent, inProcess: this.inProcess, writer: this.writer, observer: this.observer, ...(this.config === undefined ? {} : { config: this.config }), ...(this.options.onServed === undefined ? {} : { onServed: this.options.onServed }), signal },
      );
      if (result === 'completed') this.counts.finished++;
      else this.counts.failed++;
    } finally {
      this.counts.running--;
      this.statusSoon();
    }
  }

  /** The agent that serves `file`, or undefined (refused and audited) when it is outside every watch path. */
  private async agentFor(file: string, extras: OfferExtras): Promise<Agent | undefined> {
    let real: string;
    try {
      real = path.join(await realpath(path.dirname(file)), path.basename(file));
    } catch {
      return undefined; // gone
    }
    const inside = real === this.realRoot || real.startsWith(this.realRoot + path.sep);
    // A FIFO or device where a command file should be would block the claim's read: refused, never opened.
    const info = await stat(file).catch(() => undefined);
    if (info === undefined) return undefined; // gone
    const kind = kindOfNonRegular(info);
    if (kind !== undefined) return this.refuse(file, `it is ${kind}, not a regular file`);
    const offeredInProcess = extras.invocation !== undefined;
    const agent = offeredInProcess ? this.agents[0] : this.agents.find((candidate) => candidate.plan.matches(file));
    if (inside && agent !== undefined) return agent;
    return this.refuse(file, inside ? 'it is outside every watch path of .cursor/background-agents.yaml' : 'it is reached through a symbolic link that leads out of the project');
  }

  /** Counts, logs and audits a command file this runner will not serve. */
  private async refuse(file: string, reason: string): Promise<undefined> {
    this.counts.refused++;
    this.observer.logger.warn('command file refused', { file, reason });
    await this.observer.audit({ event: 'command.refused', actor: this.id, details: { command_file: file, reason } });
    return undefined;
  }

  /** Publishes changed counts within 100 ms, batching bursts. */
  private statusSoon(): void {
    if (!this.publishes || this.statusTimer !== undefined) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      if (this.state === 'running') void this.writeStatus();
    }, 100);
  }

  private statusTimer: NodeJS.Timeout | undefined;

  /** A singleton daemon holds the lock and publishes status.json; non-singleton runners do neither. */
  private get holdsLock(): boolean {
    return this.options.embedded !== true && this.options.singleton !== false;
  }

  /** The singleton daemon publishes status.json, an embedded runner its file under runner/embedded/. */
  private get publishes(): boolean {
    return this.options.embedded === true || this.holdsLock;
  }

  /** Writes one after another, so a late heartbeat never lands after the final status (or brings a removed file back). */
  private writeStatus(): Promise<void> {
    if (!this.publishes) return Promise.resolve();
    this.statusWrites = this.statusWrites.then(() => this.publishStatus());
    return this.statusWrites;
  }

  private statusWrites: Promise<void> = Promise.resolve();

  private async publishStatus(): Promise<void> {
    const embedded = this.options.embedded === true;
    if (embedded && this.state === 'stopped') return removeEmbeddedRunnerStatus(this.projectRoot, this.id);
    const status: RunnerStatus = {
      id: this.id,
      pid: process.pid,
      ...(this.pidStart === undefined ? {} : { pid_start: this.pidStart }),
      host: hostname(),
      started_at: this.startedAt,
      heartbeat_at: new Date().toISOString(),
      state: this.state,
      watch_paths: this.watchPaths,
      counts: { ...this.counts },
      max_parallel: this.maxParallel,
      slots: [...this.running.values()].flatMap((entry) => (entry.slot === undefined ? [] : [entry.slot])),
      ...(this.options.logFile === undefined ? {} : { log_file: this.options.logFile }),
      ...(embedded ? { mode: 'embedded' as const, ...(this.options.runId === undefined ? {} : { run_id: this.options.runId }) } : this.environmentView),
    };
    await (embedded ? writeEmbeddedRunnerStatus(this.projectRoot, status) : writeRunnerStatus(this.projectRoot, status)).catch((error: unknown) =>
      this.observer.logger.warn('could not write runner status', { error: String(error) }),
    );
  }
}

/** What a busy slot runs, as status.json says: the ids of the claimed command file (null when it names none). */
function slotOf(correlation: Partial<StatusCorrelation>, commandFile: string): RunnerSlot {
  return {
    run_id: correlation.run_id ?? null,
    workflow_id: correlation.workflow_id ?? null,
    step_id: correlation.step_id ?? null,
    attempt: correlation.attempt ?? null,
    started_at: new Date().toISOString(),
    command_file: commandFile,
  };
}
