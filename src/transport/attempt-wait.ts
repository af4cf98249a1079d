// Waiting for one attempt's terminal status beside its command file. Completion is event-driven (fs.watch) with the
// polling interval as the rescan fallback; a status from another attempt is ignored and audited; a final check runs at
// the deadline; a runner that died or stalled mid-step, or a command nobody picks up, makes the attempt fail as
// retryable. When the runner in this process took the command, it says how the attempt ended (the terminal status it
// has just renamed into place) and nothing is watched or read unless it did not run it; the rescan and the deadline's
// check still read the file. The wait's state and its transitions are in ./attempt-wait-state.ts; this file does what
// they decide.

import type { ResolvedConfig } from '../config/resolve.js';
import { formatDuration } from '../config/duration.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import type { ExecutionObserver } from '../observability/observer.js';
import { withdrawCommandFile } from '../protocol/claim.js';
import { readCommandFile } from '../protocol/command-file.js';
import { claimAgeMs, claimGraceMs, describeStall, heartbeatIntervalMs, writerIsDead, writerStall, type Stall } from '../protocol/liveness.js';
import { STATUS_FILE_NAME, type ProtocolPaths } from '../protocol/paths.js';
import { findLiveRunner } from '../protocol/runner-status.js';
import { readStatusFile, type StatusReading, type StatusReport } from '../protocol/status-file.js';
import { watchDirectory, type DirectoryWatch } from '../protocol/watch.js';
import { stepError, timeoutError } from '../step-errors.js';
import { setLongTimeout, type LongTimeout } from '../time/long-timeout.js';
import { auditIds, commandOfAttempt, matchStatus } from './attempt-correlation.js';
import { INITIAL_WAIT_STATE, transition, type AttemptWaitEvent, type AttemptWaitState, type CheckMode } from './attempt-wait-state.js';
import type { HandledCommand, LocalRunner } from './local-runner.js';
import { failedOutcome, terminalOutcome, type PartialOutcome } from './terminal-outcome.js';
import type { AttemptOutcome, StepAttempt } from './transport.js';

/** What one wait needs. */
export interface AttemptWaitContext {
  attempt: StepAttempt;
  paths: ProtocolPaths;
  /** When the attempt was first dispatched (artifacts count from then). */
  startMs: number;
  signal: AbortSignal;
  projectRoot: string;
  config: ResolvedConfig;
  observer: ExecutionObserver;
  /** Manual mode: anyone may write the status, so no runner is expected. */
  manual: boolean;
  /** The runner in this process, if any (asked at each check: another step's dispatch may have started one). */
  localRunner: () => LocalRunner | undefined;
  /** Stops what is left of a runner that died, before the attempt is run again. */
  stopOrphanedAttempt: () => Promise<void>;
  /**
   * How the runner in this process ended the attempt it took from memory: its terminal status (then not read back), or
   * that it did not run it (the wait then watches the status file like any other).
   */
  handled?: Promise<HandledCommand>;
}

/** How long the check at the deadline may take before the attempt times out without it. */
const DEADLINE_BACKSTOP_MS = 5000;

/** How long an unclaimed command file may wait with no live runner before the attempt fails (retryable). */
const NO_RUNNER_GRACE_MS = 10_000;

/** Waits for the attempt's terminal status (or the deadline, a dead runner, or cancellation). Never rejects. */
export function waitForAttempt(context: AttemptWaitContext): Promise<AttemptOutcome> {
  return new AttemptWait(context).result;
}

class AttemptWait {
  readonly result: Promise<AttemptOutcome>;
  private state: AttemptWaitState = INITIAL_WAIT_STATE;
  private readonly context: AttemptWaitContext;
  private readonly dispatchedAt = Date.now();
  /** The mtimes of statuses of other attempts already audited (each is audited once). */
  private readonly rejected = new Set<number>();
  private resolve: (outcome: AttemptOutcome) => void = () => undefined;
  /** The periodic rescan (the source of truth), whoever reports the status. */
  private readonly rescan: NodeJS.Timeout;
  /** fs.watch on the directory, unless the runner in this process reports the status. */
  private watch: DirectoryWatch | undefined;
  /** A status the runner in this process handed over, for the next check to examine instead of reading the file. */
  private handedOver: StatusReading | undefined;
  /** The runner in this process took the attempt from memory and has not said it did not run it. */
  private heldHere: boolean;
  private readonly deadline: LongTimeout;
  private backstop: LongTimeout | undefined;
  private readonly onAbort = () => this.cancel();

  constructor(context: AttemptWaitContext) {
    this.context = context;
    const { attempt, signal } = context;
    this.heldHere = context.handled !== undefined;
    this.result = new Promise<AttemptOutcome>((resolve) => (this.resolve = resolve));
    const intervalMs = context.config.autoExecution.polling.intervalMs;
    this.rescan = setInterval(() => this.ask('periodic'), Math.max(Math.min(intervalMs, attempt.timeoutMs), 10));
    // Any length (a `timeout: 30d` overflows a plain timer and fires at once).
    this.deadline = setLongTimeout(() => this.deadlinePassed(), attempt.timeoutMs);
    if (signal.aborted) this.cancel();
    else signal.addEventListener('abort', this.onAbort, { once: true });
    if (context.handled === undefined) this.watchFile();
    else void context.handled.then((handled) => this.handedOverBy(handled));
  }

  /** Watches the status file (fs.watch, every change read) and reads it once now. */
  private watchFile(): void {
    if (this.state.phase === 'ended' || this.watch !== undefined) return;
    this.watch = watchDirectory(this.context.paths.dir, (name) => {
      // A platform that names no entry: as thorough as the rescan.
      if (name === undefined) this.ask('periodic');
      else if (name.startsWith(STATUS_FILE_NAME)) this.ask('event');
    }, {});
    this.ask('event');
  }

  /** The runner in this process is done with the attempt: examine the status it wrote, or watch the file after all. */
  private handedOverBy(handled: HandledCommand): void {
    if (this.state.phase === 'ended') return;
    if (!handled.ran || handled.terminal.kind !== 'ok' || !handled.terminal.report.terminal) {
      this.heldHere = false;
      this.watchFile();
      return;
    }
    this.handedOver = handled.terminal;
    this.ask('event');
  }

  /** The one place the state changes; starts the check the transition asks for. */
  private apply(event: AttemptWaitEvent): void {
    const next = transition(this.state, event);
    this.state = next.state;
    if (next.run !== undefined) void this.check(next.run);
  }

  private ask(mode: CheckMode): void {
    this.apply({ type: 'check-asked', mode });
  }

  private end(outcome: PartialOutcome): void {
    if (this.state.phase === 'ended') return;
    this.apply({ type: 'ended' });
    clearInterval(this.rescan);
    this.watch?.close();
    this.deadline.clear();
    this.backstop?.clear();
    this.context.signal.removeEventListener('abort', this.onAbort);
    this.resolve({ startedAt: new Date(this.context.startMs).toISOString(), completedAt: new Date().toISOString(), ...outcome });
  }

  private deadlinePassed(): void {
    const { attempt, paths } = this.context;
    this.apply({ type: 'deadline' });
    this.ask('final');
    // A check stuck past the deadline (a read that never returns) must not hold the attempt: the timeout stands.
    this.backstop = setLongTimeout(() => {
      void withdrawCommandFile(paths.commandFile).catch(() => false);
      this.end({ status: 'timeout', outputs: {}, artifacts: [], error: stepError('TIMEOUT', `Step did not finish within ${formatDuration(attempt.timeoutMs)}; the check at the deadline did not finish within ${formatDuration(DEADLINE_BACKSTOP_MS)}`) });
    }, DEADLINE_BACKSTOP_MS);
  }

  private cancel(): void {
    const { paths } = this.context;
    this.context.localRunner()?.cancel(paths.commandFile);
    // An unclaimed command is taken back; the cancel file tells an out-of-process runner that did claim it to stop
    // the step. Both are done before the attempt ends.
    void withdrawCommandFile(paths.commandFile)
      .catch(() => false)
      .then(() => writeFileAtomically(paths.cancelFile, `${new Date().toISOString()}\n`))
      .catch(() => undefined)
      .finally(() => this.end({ status: 'cancelled', outputs: {}, artifacts: [], error: { code: 'CANCELLED', message: 'Step was cancelled', retryable: false } }));
  }

  /** One check of the status file, in `mode`; the next queued one follows. */
  private async check(mode: CheckMode): Promise<void> {
    try {
      const outcome = await this.examine(mode);
      if (outcome !== undefined) this.end(outcome);
    } finally {
      this.apply({ type: 'check-done' });
    }
  }

  /** Reads the status once and says how the attempt ended, or undefined while it goes on. */
  private async examine(mode: CheckMode): Promise<PartialOutcome | undefined> {
    const { attempt, paths, observer } = this.context;
    const handedOver = this.handedOver;
    this.handedOver = undefined;
    const reading = handedOver ?? (await readStatusFile(paths.statusFile));
    if (reading.kind === 'corrupt') this.apply({ type: 'status-corrupt', reason: reading.reason });
    if (reading.kind === 'ok') {
      this.apply({ type: 'status-readable' });
      const ended = await this.examineStatus(mode, reading.report, reading.mtimeMs);
      if (ended !== undefined) return ended;
    }
    const silent = mode === 'periodic' && reading.kind === 'missing' && !this.context.manual;
    const awaitingRunner = silent && this.context.localRunner() === undefined;
    // A claim nobody answers is a dead claimer, even beside a runner in this process (one adopted on resume was made
    // by a runner that died with its executor) — unless that runner holds the attempt itself.
    if (silent && !this.heldHere && !this.state.sawClaim && (await this.claimAbandoned())) {
      await this.context.stopOrphanedAttempt();
      return failedOutcome('RUNNER_DIED', `A background agent claimed this step (${paths.claimedFile}) but never reported on it; it was probably killed; the step can be retried`, true);
    }
    if (awaitingRunner && (await this.nobodyToRun())) {
      return failedOutcome('NO_RUNNER', 'No background agent is running to pick up this step. Start one with "tapps-agents background-agent start" (or set workflow.runner: auto to run one inside workflow execute)', true);
    }
    if (mode !== 'final') return undefined;
    const { corrupt, sawClaim } = this.state;
    const why =
      corrupt !== undefined
        ? `its status file ${paths.statusFile} was still unreadable at the deadline (${corrupt})`
        : sawClaim
          ? 'the background agent did not report completion in time'
          : `nobody picked up ${paths.commandFile} (is a background agent running? "tapps-agents background-agent status")`;
    await withdrawCommandFile(paths.commandFile).catch(() => false);
    await observer.audit({ event: 'execution.timeout', ...auditIds(attempt), actor: 'executor', details: { status_file: paths.statusFile, reason: why } });
    const timedOut = timeoutError('Step', attempt.timeoutMs, why);
    return { status: 'timeout', outputs: {}, artifacts: [], error: corrupt === undefined ? timedOut : stepError('STATUS_CORRUPT', timedOut.message) };
  }

  /** A readable status: another attempt's (audited once), this attempt's end, or its runner's death or stall. */
  private async examineStatus(mode: CheckMode, report: StatusReport, mtimeMs: number): Promise<PartialOutcome | undefined> {
    const { attempt, paths, observer, startMs } = this.context;
    const verdict = matchStatus(report, mtimeMs, attempt, startMs);
    if (verdict !== 'match') {
      if (!this.rejected.has(mtimeMs)) {
        this.rejected.add(mtimeMs);
        observer.logger.warn('status file of another attempt ignored', { status_file: paths.statusFile, found: report.correlation, verdict });
        await observer.audit({ event: 'status.rejected', ...auditIds(attempt), actor: 'executor', details: { status_file: paths.statusFile, reason: verdict, found: report.correlation } });
      }
      return undefined;
    }
    if (report.terminal) return terminalOutcome(report, attempt, startMs, this.context.config.autoExecution.features.artifact_detection);
    if (mode !== 'event' && writerIsDead(report, mtimeMs)) {
      const writer = report.runner;
      await this.context.stopOrphanedAttempt();
      return failedOutcome('RUNNER_DIED', `The background agent running this step (${writer === undefined ? 'unknown' : `pid ${writer.pid} on ${writer.host}`}) stopped sending heartbeats and is gone; the step can be retried`, true);
    }
    const stall = mode === 'event' ? undefined : writerStall(report, mtimeMs);
    if (stall !== undefined) return this.stalled(stall);
    this.apply({ type: 'claim-seen' });
    return undefined;
  }

  /**
   * The outcome for a runner that is alive but no longer heart-beating: retryable. The cancel file asks it to stop the
   * step should it resume (kill -CONT), and the stall is audited.
   */
  private async stalled(stall: Stall): Promise<PartialOutcome> {
    const { attempt, paths, observer } = this.context;
    const message = `The background agent running this step (${describeStall(stall, heartbeatIntervalMs())}); the step can be retried. Check it with "tapps-agents background-agent status"`;
    await writeFileAtomically(paths.cancelFile, `${new Date().toISOString()}\n`).catch(() => undefined);
    await observer.audit({ event: 'runner.stalled', ...auditIds(attempt), actor: 'executor', details: { pid: stall.pid, host: stall.host, heartbeat_age_ms: stall.ageMs, stopped: stall.stopped } });
    return failedOutcome('RUNNER_STALLED', message, true);
  }

  /**
   * True when this attempt's command was claimed longer ago than the claim grace period and no status came: the
   * runner that claimed it died before reporting, and nobody else will run it.
   */
  private async claimAbandoned(): Promise<boolean> {
    const { attempt, paths } = this.context;
    if ((await claimAgeMs(paths.claimedFile)) <= claimGraceMs()) return false;
    if ((await readCommandFile(paths.commandFile)) !== undefined) return false;
    const claimed = await readCommandFile(paths.claimedFile);
    return claimed?.ok === true && commandOfAttempt(claimed.value, attempt) && (await readStatusFile(paths.statusFile)).kind === 'missing';
  }

  /**
   * True when the command is still unclaimed after the grace period (a runner being restarted gets one: the lock
   * takeover and start take a few seconds), no runner is alive, and the command was taken back — first, so a runner
   * started later does not run this abandoned attempt beside its retry; a runner that claimed it just now wins.
   */
  private async nobodyToRun(): Promise<boolean> {
    const { paths, startMs } = this.context;
    const waitedMs = Date.now() - Math.max(startMs, this.dispatchedAt);
    const unclaimed = waitedMs > NO_RUNNER_GRACE_MS && (await readCommandFile(paths.commandFile)) !== undefined;
    return unclaimed && !this.state.sawClaim && (await findLiveRunner(this.context.projectRoot)) === undefined && (await withdrawCommandFile(paths.commandFile).catch(() => false));
  }
}
