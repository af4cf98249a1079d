// The background agent: watches for command files, claims each by rename, runs the configured commands with at most
// `global.max_parallel_agents` at once, writes statuses, and keeps `.tapps-agents/runner/status.json` current.
// Runs as a daemon (`background-agent run|start`) or embedded in `workflow execute`, which hands it command files
// directly instead of watching. Its role (daemon, embedded, peer) and its state are in ./runner-mode.ts.
// Over 300 lines on purpose: what is left is one concept — the lifecycle, the queue of offered commands (pump, handle)
// and the status it publishes share the counts, the running map and the state; the parts that stand alone (options,
// agents from the configuration, admission, config reload, cancel file) have files of their own.

import { randomBytes } from 'node:crypto';
import { realpath, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../config/defaults.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { takeOverOrphanedGroups } from '../exec/orphan-groups.js';
import { procStat } from '../exec/process-alive.js';
import { silentObserver, type ExecutionObserver } from '../observability/observer.js';
import { claimCommandFile } from '../protocol/claim.js';
import { parseCommandFile, parseOwnCommandFile } from '../protocol/command-file.js';
import { currentWriter, type StatusCorrelation, type StatusWriter } from '../protocol/status-file.js';
import type { SkillInvocation } from '../protocol/skill-command.js';
import type { DirectoryWatch } from '../protocol/watch.js';
import { acquireRunnerLock, type ReleaseLock } from './runner-lock.js';
import { RUNNER_HEARTBEAT_MS, writeRunnerStatus, type RunnerCounts, type RunnerSlot, type RunnerStatus } from '../protocol/runner-status.js';
import { pruneGoneEmbeddedRunners, removeEmbeddedRunnerStatus, writeEmbeddedRunnerStatus } from '../protocol/embedded-runner-status.js';
import { runClaimed } from './run-claimed.js';
import { runnerSetup, type RunnerAgent } from './runner-agents.js';
import { watchBackgroundAgentsConfig } from './config-reload.js';
import { nextRunnerState, notTakingReason, runnerRole, type OfferResult, type RunnerRole, type RunnerState } from './runner-mode.js';
import { watchTree, type TreeWatch } from './tree-watch.js';
import { admitCommandFile } from './command-admission.js';
import { watchCancelFile } from './cancel-file-watch.js';
import type { HandledCommand, OfferExtras, RunnerOptions } from './runner-options.js';
import { RUNNER_STOPPING, statusCorrelation } from './execute-command-file.js';
import { settlesWithin } from '../time/settles-within.js';
import { endedAttemptReason } from './attempt-still-wanted.js';

export type { HandledCommand, OfferExtras, RunnerOptions } from './runner-options.js';

/** A background-agent runner. */
export class Runner {
  readonly id: string;
  readonly projectRoot: string;
  readonly role: RunnerRole;
  readonly counts: RunnerCounts = { claimed: 0, running: 0, finished: 0, failed: 0, refused: 0 };
  private readonly options: RunnerOptions;
  private readonly observer: ExecutionObserver;
  private readonly writer: StatusWriter;
  private config: ResolvedConfig | undefined;
  private agents: RunnerAgent[] = [];
  private maxParallel: number = DEFAULTS.backgroundAgent.maxParallelAgents;
  private inProcess = true;
  private readonly pending = new Map<string, OfferExtras>();
  /** Commands being handled; `slot` once claimed (what status.json says the slot runs). */
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void>; slot?: RunnerSlot }>();
  private watches: TreeWatch[] = [];
  private configWatch: DirectoryWatch | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private release: ReleaseLock | undefined;
  /** Changed only by `transition`. */
  private state: RunnerState = 'starting';
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
    this.role = runnerRole(options);
    this.id = `${this.role === 'embedded' ? 'embedded' : 'runner'}-${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
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
    const embedded = this.role === 'embedded';
    if (embedded) await pruneGoneEmbeddedRunners(this.projectRoot);
    if (this.role === 'daemon') {
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
    this.transition('running');
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
   * Hands a command file to this runner (the embedded runner's only input; a daemon's watcher uses it too). Unless
   * the runner is running it takes nothing and says why: the file stays where it is for another runner.
   */
  offer(commandFile: string, extras: OfferExtras = {}): OfferResult {
    if (this.state !== 'running') return { taken: false, reason: notTakingReason(this.id, this.state) };
    const replaced = this.pending.get(commandFile);
    if (replaced !== undefined) settle(replaced, { ran: false, reason: 'offered again before it started' });
    this.pending.set(commandFile, extras);
    this.pump();
    return { taken: true };
  }

  /** Cancels the step of `commandFile` if this runner is running it (its process groups are killed). */
  cancel(commandFile: string): void {
    const pending = this.pending.get(commandFile);
    this.pending.delete(commandFile);
    if (pending !== undefined) settle(pending, { ran: false, reason: 'cancelled before it started' });
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
    this.transition('stopping');
    for (const watch of this.watches) watch.close();
    this.configWatch?.close();
    for (const extras of this.pending.values()) settle(extras, { ran: false, reason: notTakingReason(this.id, this.state) });
    this.pending.clear();
    await this.writeStatus();
    const grace = options.graceMs ?? this.options.stopGraceMs ?? 10_000;
    const all = Promise.all([...this.running.values()].map((run) => run.done));
    if (!(await settlesWithin(all, grace))) {
      for (const run of this.running.values()) run.controller.abort(RUNNER_STOPPING);
      await all;
    }
    clearInterval(this.heartbeat);
    this.transition('stopped');
    await this.writeStatus();
    await this.release?.().catch(() => undefined);
    await this.observer.audit({ event: 'runner.stopped', actor: this.id, details: { counts: { ...this.counts } } });
  }

  /** The one place the state changes (./runner-mode.ts has the lifecycle). */
  private transition(to: RunnerState): void {
    this.state = nextRunnerState(this.id, this.state, to);
  }

  private applyConfig(config: ResolvedConfig): void {
    this.config = config;
    const setup = runnerSetup(this.projectRoot, config, this.role === 'embedded');
    this.agents = setup.agents;
    this.maxParallel = setup.maxParallel;
    this.environmentView = setup.environmentView;
    this.inProcess = setup.inProcess;
  }

  private startWatching(): void {
    for (const watch of this.watches) watch.close();
    const rescanMs = this.config?.autoExecution.polling.intervalMs ?? 5000;
    this.watches = this.agents.map((agent) => watchTree(this.projectRoot, agent.plan, (file) => this.offerWatched(file), { rescanMs: Math.max(rescanMs, 50) }));
  }

  /** A command file a watcher found: one the runner does not take (it is stopping) stays for another runner. */
  private offerWatched(file: string): void {
    const offered = this.offer(file);
    if (!offered.taken) this.observer.logger.info('command file left for another background agent', { file, reason: offered.reason });
  }

  /** Reloads `.cursor/background-agents.yaml` when it changes; a broken file keeps the previous configuration. */
  private watchConfig(): void {
    this.configWatch = watchBackgroundAgentsConfig(this.projectRoot, {
      active: () => this.state === 'running',
      current: () => this.config,
      apply: (config) => {
        this.applyConfig(config);
        if (this.state === 'running') this.startWatching();
        this.observer.logger.info('configuration reloaded', { watch_paths: this.watchPaths });
        return this.writeStatus();
      },
      logger: this.observer.logger,
    });
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
      const stopWatchingCancel = watchCancelFile(file, controller);
      entry.done = this.handle(file, extras, controller.signal)
        .then(
          (handled) => settle(extras, handled),
          (error: unknown) => {
            this.observer.logger.error('runner failed to handle a command file', { file, error: String(error) });
            settle(extras, { ran: false, reason: `the runner failed to handle it: ${String(error)}` });
          },
        )
        .finally(() => {
          stopWatchingCancel();
          this.running.delete(file);
          this.pump();
          if (this.pending.size === 0 && this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
    if (this.pending.size === 0 && this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Claims and runs one command file; how it ended, for an in-process writer waiting on it. */
  private async handle(file: string, extras: OfferExtras, signal: AbortSignal): Promise<HandledCommand> {
    const agent = await this.agentFor(file, extras);
    if (agent === undefined) return { ran: false, reason: 'refused or gone' };
    // Handed over in-process with its text: claimed by the same rename, its text taken from memory, not read back.
    const inMemory = extras.invocation !== undefined && extras.text !== undefined;
    const claim = await claimCommandFile(file, inMemory ? { text: extras.text as string } : undefined);
    if (claim === undefined) return { ran: false, reason: 'claimed by another runner, or gone' };
    const parsed = inMemory ? parseOwnCommandFile(claim.text) : parseCommandFile(claim.text);
    // A file left by a run that is over, or by an attempt that ended, is removed unrun (src/runner/attempt-still-wanted.ts);
    // one handed over in-process comes from the live executor that just wrote it.
    const ended = parsed.ok && extras.invocation === undefined ? await endedAttemptReason(this.projectRoot, parsed.value.correlation) : undefined;
    if (ended !== undefined && parsed.ok) {
      this.counts.refused++;
      this.statusSoon();
      await unlink(claim.claimedFile).catch(() => undefined);
      this.observer.logger.warn('command file refused', { file, reason: ended });
      await this.observer.audit({ event: 'command.refused', ...statusCorrelation(parsed.value), actor: this.id, details: { command_file: file, reason: ended } });
      return { ran: false, reason: ended };
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
        { claimedFile: claim.claimedFile, text: claim.text, parsed, commandFile: file, ...inProcessHandover(extras) },
        { projectRoot: this.projectRoot, agent, inProcess: this.inProcess, writer: this.writer, observer: this.observer, ...(this.config === undefined ? {} : { config: this.config }), ...(this.options.onServed === undefined ? {} : { onServed: this.options.onServed }), signal },
      );
      if (result.status === 'completed') this.counts.finished++;
      else this.counts.failed++;
      return result.terminal === undefined ? { ran: false, reason: 'it ended without a terminal status' } : { ran: true, terminal: result.terminal };
    } finally {
      this.counts.running--;
      this.statusSoon();
    }
  }

  /** The agent that serves `file`, or undefined when it is gone or refused (counted and audited). */
  private async agentFor(file: string, extras: OfferExtras): Promise<RunnerAgent | undefined> {
    const offeredInProcess = extras.invocation !== undefined;
    const admission = await admitCommandFile(file, { realRoot: this.realRoot, agents: this.agents, offeredInProcess, inMemory: offeredInProcess && extras.text !== undefined });
    if ('refused' in admission) return this.refuse(file, admission.refused);
    return 'agent' in admission ? admission.agent : undefined;
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

  /** The singleton daemon publishes status.json, an embedded runner its file under runner/embedded/, a peer nothing. */
  private get publishes(): boolean {
    return this.role !== 'peer';
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

/** Tells an in-process writer how its offer ended; its callback never fails the runner. */
function settle(extras: OfferExtras, handled: HandledCommand): void {
  try {
    extras.onHandled?.(handled);
  } catch {
    // The writer's own business.
  }
}

/** What runClaimed takes of an offer: the invocation and environment handed over in-process. */
function inProcessHandover(extras: OfferExtras): { invocation?: SkillInvocation; env?: NodeJS.ProcessEnv } {
  return { ...(extras.invocation === undefined ? {} : { invocation: extras.invocation }), ...(extras.env === undefined ? {} : { env: extras.env }) };
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
