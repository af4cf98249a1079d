// The `file` transport: writes the attempt's command file into the step directory and waits for a matching terminal
// status beside it. Completion is event-driven (fs.watch) with the polling interval as the rescan fallback; a status
// from another attempt is ignored and audited; expected artifacts must all exist and be newer than the attempt; a
// final check runs at the deadline; a runner that died mid-step makes the attempt fail as retryable.

import { artifactsMissingError, missingArtifacts } from './expected-artifacts.js';
import { stepError, type StepErrorCode, timeoutError } from '../step-errors.js';
import { unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { ResolvedConfig } from '../config/resolve.js';
import { formatDuration } from '../config/duration.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { silentObserver, type ExecutionObserver } from '../observability/observer.js';
import { withdrawCommandFile } from '../protocol/claim.js';
import { readCommandFile, writeCommandFile, type CommandFile } from '../protocol/command-file.js';
import { isProcessAlive } from '../exec/process-alive.js';
import { takeOverOrphanedGroups } from '../exec/orphan-groups.js';
import { claimAgeMs, claimGraceMs, describeStall, heartbeatIntervalMs, writerIsDead, writerStall, type Stall } from '../protocol/liveness.js';
import { protocolPaths, STATUS_FILE_NAME, type ProtocolPaths } from '../protocol/paths.js';
import { readStatusFile, type StatusReport } from '../protocol/status-file.js';
import { watchDirectory } from '../protocol/watch.js';
import { formatInstructions } from '../protocol/instructions.js';
import { findLiveRunner } from '../protocol/runner-status.js';
import type { SkillInvocation } from '../protocol/skill-command.js';
import type { AttemptOutcome, StepAttempt, Transport } from './transport.js';
import { setLongTimeout, type LongTimeout } from '../time/long-timeout.js';

/** Where an attempt's files went (for `workflow execute --manual` and logs). */
export interface CommandWritten {
  stepId: string;
  commandFile: string;
  statusFile: string;
  instructionsFile?: string;
  /** True when an existing command or status of this same attempt was adopted (resume). */
  adopted: boolean;
}

/** How the file transport is set up. */
export interface FileTransportOptions {
  projectRoot: string;
  config: ResolvedConfig;
  observer?: ExecutionObserver;
  /**
   * Asked at each dispatch: the runner in this process to hand the command to, if any (whoever chose the transport
   * decides when one runs here, e.g. once the shared background agent is gone). Every runner it returns is stopped by
   * `close`.
   */
  localRunner?: () => Promise<LocalRunner | undefined>;
  /** Manual mode: also write instructions for a person, expect no runner, and wait for anyone to write the status. */
  manual?: boolean;
  /** Called once the command file is in place. */
  onCommandWritten?: (written: CommandWritten) => void;
}

/** The side of a runner in this process that the transport talks to: hand over, take back, stop. */
export interface LocalRunner {
  /** Hands over a command file already written; false when the runner is stopping (the file stays for another). */
  offer(commandFile: string, extras: { invocation?: SkillInvocation; env?: NodeJS.ProcessEnv }): boolean;
  /** Takes back a command not yet started, or stops the step running it. */
  cancel(commandFile: string): void;
  stop(options: { graceMs?: number }): Promise<void>;
}

/** How long the check at the deadline may take before the attempt times out without it. */
const DEADLINE_BACKSTOP_MS = 5000;

type CheckMode = 'event' | 'periodic' | 'final';
const CHECK_STRENGTH: Record<CheckMode, number> = { event: 0, periodic: 1, final: 2 };

/** The stronger of two check modes: a final check is never replaced by a periodic one, nor a periodic by an event. */
function strongerCheck(a: CheckMode | undefined, b: CheckMode): CheckMode {
  return a !== undefined && CHECK_STRENGTH[a] >= CHECK_STRENGTH[b] ? a : b;
}

/** How long an unclaimed command file may wait with no live runner before the attempt fails (retryable). */
const NO_RUNNER_GRACE_MS = 10_000;

/** The file transport. */
export class FileTransport implements Transport {
  readonly kind = 'file';
  private readonly options: FileTransportOptions;
  private readonly observer: ExecutionObserver;
  /** The in-process runner, once `localRunner` gave one. */
  private embeddedRunner: LocalRunner | undefined;

  constructor(options: FileTransportOptions) {
    this.options = options;
    this.observer = options.observer ?? silentObserver;
  }

  async run(attempt: StepAttempt, signal: AbortSignal): Promise<AttemptOutcome> {
    await this.ensureRunner();
    const paths = protocolPaths(attempt.protocolDir);
    const dispatched = await this.dispatch(attempt, paths);
    return this.await(attempt, paths, dispatched.startMs, signal);
  }

  async close(): Promise<void> {
    await this.embeddedRunner?.stop({ graceMs: 0 });
  }

  /** Asks once per dispatch for a runner in this process, until there is one (then it serves the rest of the run). */
  private async ensureRunner(): Promise<void> {
    if (this.embeddedRunner === undefined) this.embeddedRunner = await this.options.localRunner?.();
  }

  /** Writes the command file, or adopts what a previous executor left for this same attempt. */
  private async dispatch(attempt: StepAttempt, paths: ProtocolPaths): Promise<{ startMs: number }> {
    const correlation = attempt.correlation;
    // Three independent reads, at once: for a fresh attempt all three find nothing, and waiting on each in turn was a
    // measurable part of a no-op step.
    const [status, command, claimed] = await Promise.all([readStatusFile(paths.statusFile), readCommandFile(paths.commandFile), readCommandFile(paths.claimedFile)]);
    const pendingCommand = command ?? claimed;
    const sameAttempt = pendingCommand?.ok === true && commandMatches(pendingCommand.value, attempt);
    const statusOfThisAttempt = status.kind === 'ok' && exactMatch(status.report, attempt);
    const createdMs = Date.parse(correlation.created_at);
    if (statusOfThisAttempt || sameAttempt) {
      // Resume: the attempt was dispatched before the executor stopped. Wait for it (or adopt its finished status).
      const unclaimed = (await readCommandFile(paths.commandFile))?.ok === true;
      // Nobody will finish it: claimed but no status for three heartbeats, or `running` from a process of this host
      // that is gone (e.g. a runner embedded in the executor that was killed). Dispatch the same attempt again.
      const writer = status.kind === 'ok' && !status.report.terminal ? status.report.runner : undefined;
      const writerGone = writer !== undefined && writer.host === hostname() && !isProcessAlive(writer.pid);
      const orphaned = writerGone || (!statusOfThisAttempt && !unclaimed && (await claimAgeMs(paths.claimedFile)) > claimGraceMs());
      if (orphaned) await this.stopOrphanedAttempt();
      if (!orphaned) {
        this.options.onCommandWritten?.({ stepId: correlation.step_id, commandFile: paths.commandFile, statusFile: paths.statusFile, adopted: true });
        if (unclaimed) this.offer(paths, attempt);
        // Artifacts count from when the attempt was first dispatched, not from this (resumed) call.
        const firstCreated = sameAttempt && pendingCommand.ok ? Date.parse(pendingCommand.value.correlation.created_at ?? '') : NaN;
        const firstStarted = status.kind === 'ok' ? Date.parse(status.report.startedAt ?? '') : NaN;
        const adoptedStart = [firstCreated, firstStarted, createdMs].find((value) => !Number.isNaN(value)) ?? Date.now();
        return { startMs: adoptedStart };
      }
    }
    // A status left by an earlier attempt must never complete this one, nor its cancel request stop it.
    await Promise.all([unlink(paths.statusFile).catch(() => undefined), unlink(paths.cancelFile).catch(() => undefined)]);
    const startMs = Number.isNaN(createdMs) ? Date.now() : Math.min(createdMs, Date.now());
    const input = {
      invocation: attempt.invocation,
      correlation: { ...correlation, expected_artifacts: attempt.expectedArtifacts },
      worktreePath: attempt.stepDir,
      instructions: attempt.instructions ?? defaultInstructions(paths),
      timeoutMs: attempt.timeoutMs,
      ...(attempt.engine === undefined ? {} : { engine: attempt.engine }),
      inputs: attempt.inputs,
      ...(attempt.stepEnv === undefined ? {} : { environment: attempt.stepEnv }),
      ...(attempt.run === undefined ? {} : { context: attempt.run }),
      ...traceparentOf(this.observer, correlation),
    };
    let instructionsFile: string | undefined;
    if (this.options.manual === true) {
      instructionsFile = paths.instructionsFile;
      await writeFileAtomically(instructionsFile, formatInstructions(input, paths));
    }
    // A runner in this process gets the command in memory; the file is then a record for status views and resume, and
    // a power loss that could leave it empty also ends that runner — resume rewrites a command file it cannot read.
    // Any other reader (a daemon, a person) gets it fsynced.
    await writeCommandFile(paths.commandFile, input, { durable: this.embeddedRunner === undefined });
    await this.observer.audit({ event: 'command.written', ...ids(attempt), actor: 'executor', details: { command_file: paths.commandFile } });
    this.options.onCommandWritten?.({
      stepId: correlation.step_id,
      commandFile: paths.commandFile,
      statusFile: paths.statusFile,
      ...(instructionsFile === undefined ? {} : { instructionsFile }),
      adopted: false,
    });
    this.offer(paths, attempt);
    return { startMs };
  }

  private offer(paths: ProtocolPaths, attempt: StepAttempt): void {
    if (this.embeddedRunner?.offer(paths.commandFile, { invocation: attempt.invocation, env: attempt.env }) === false) {
      this.observer.logger.warn('the runner in this process is stopping; the command file waits for another background agent', { command_file: paths.commandFile });
    }
  }

  /** Waits for this attempt's terminal status (or the deadline, a dead runner, or cancellation). */
  private await(attempt: StepAttempt, paths: ProtocolPaths, startMs: number, signal: AbortSignal): Promise<AttemptOutcome> {
    const startedAt = new Date(startMs).toISOString();
    const dispatchedAt = Date.now();
    const intervalMs = this.options.config.autoExecution.polling.intervalMs;
    const rejected = new Set<number>();
    let lastCorrupt: string | undefined;
    let sawClaim = false;

    return new Promise<AttemptOutcome>((resolve) => {
      let finished = false;
      let checking = false;
      // The strongest check asked for while one was running; it runs next, so a deadline is never downgraded or lost.
      let queued: CheckMode | undefined;
      // Once the deadline has passed, every check is the final one.
      let deadlinePassed = false;
      const end = (outcome: Omit<AttemptOutcome, 'startedAt' | 'completedAt'> & { startedAt?: string; completedAt?: string }) => {
        if (finished) return;
        finished = true;
        watch.close();
        deadline.clear();
        backstop?.clear();
        signal.removeEventListener('abort', onAbort);
        resolve({ startedAt, completedAt: new Date().toISOString(), ...outcome });
      };

      /** Reads the status once; `periodic` checks also look for a dead or stalled runner or a missing consumer. */
      const check = async (asked: CheckMode): Promise<void> => {
        if (finished) return;
        const mode: CheckMode = deadlinePassed ? 'final' : asked;
        if (checking) {
          queued = strongerCheck(queued, mode);
          return;
        }
        checking = true;
        try {
          const reading = await readStatusFile(paths.statusFile);
          if (reading.kind === 'corrupt') lastCorrupt = reading.reason;
          if (reading.kind === 'ok') {
            lastCorrupt = undefined;
            const verdict = matchStatus(reading.report, reading.mtimeMs, attempt, startMs);
            if (verdict !== 'match') {
              if (!rejected.has(reading.mtimeMs)) {
                rejected.add(reading.mtimeMs);
                this.observer.logger.warn('status file of another attempt ignored', { status_file: paths.statusFile, found: reading.report.correlation, verdict });
                await this.observer.audit({ event: 'status.rejected', ...ids(attempt), actor: 'executor', details: { status_file: paths.statusFile, reason: verdict, found: reading.report.correlation } });
              }
            } else if (reading.report.terminal) {
              end(await this.outcomeOf(reading.report, attempt, startMs));
              return;
            } else if (mode !== 'event' && writerIsDead(reading.report, reading.mtimeMs)) {
              const writer = reading.report.runner;
              await this.stopOrphanedAttempt();
              end(failure('RUNNER_DIED', `The background agent running this step (${writer === undefined ? 'unknown' : `pid ${writer.pid} on ${writer.host}`}) stopped sending heartbeats and is gone; the step can be retried`, true));
              return;
            } else if (mode !== 'event' && (stall = writerStall(reading.report, reading.mtimeMs)) !== undefined) {
              end(await this.stalled(attempt, paths, stall));
              return;
            } else sawClaim = true;
          }
          if (mode === 'periodic' && reading.kind === 'missing' && !sawClaim && this.options.manual !== true && this.embeddedRunner === undefined && (await this.claimAbandoned(attempt, paths))) {
            await this.stopOrphanedAttempt();
            end(failure('RUNNER_DIED', `A background agent claimed this step (${paths.claimedFile}) but never reported on it; it was probably killed; the step can be retried`, true));
            return;
          }
          if (mode === 'periodic' && reading.kind === 'missing' && this.options.manual !== true && this.embeddedRunner === undefined) {
            // A runner being restarted gets a grace period (the lock takeover and start take a few seconds).
            const waitedMs = Date.now() - Math.max(startMs, dispatchedAt);
            const unclaimed = waitedMs > NO_RUNNER_GRACE_MS && (await readCommandFile(paths.commandFile)) !== undefined;
            // Taken back first, so a runner started later does not run this abandoned attempt beside its retry; a
            // runner that claimed it just now wins, and the attempt goes on.
            if (unclaimed && !sawClaim && (await findLiveRunner(this.options.projectRoot)) === undefined && (await withdrawCommandFile(paths.commandFile).catch(() => false))) {
              end(failure('NO_RUNNER', 'No background agent is running to pick up this step. Start one with "tapps-agents background-agent start" (or set workflow.runner: auto to run one inside workflow execute)', true));
              return;
            }
          }
          if (mode === 'final') {
            const why =
              lastCorrupt !== undefined
                ? `its status file ${paths.statusFile} was still unreadable at the deadline (${lastCorrupt})`
                : sawClaim
                  ? 'the background agent did not report completion in time'
                  : `nobody picked up ${paths.commandFile} (is a background agent running? "tapps-agents background-agent status")`;
            await withdrawCommandFile(paths.commandFile).catch(() => false);
            await this.observer.audit({ event: 'execution.timeout', ...ids(attempt), actor: 'executor', details: { status_file: paths.statusFile, reason: why } });
            const timedOut = timeoutError('Step', attempt.timeoutMs, why);
            end({ status: 'timeout', outputs: {}, artifacts: [], error: lastCorrupt === undefined ? timedOut : stepError('STATUS_CORRUPT', timedOut.message) });
          }
        } finally {
          checking = false;
          const next = deadlinePassed ? 'final' : queued;
          queued = undefined;
          if (next !== undefined && !finished) void check(next);
        }
      };
      let stall: Stall | undefined;

      const watch = watchDirectory(
        paths.dir,
        (name) => {
          if (name === undefined) void check('periodic');
          else if (name.startsWith(STATUS_FILE_NAME)) void check('event');
        },
        { rescanMs: Math.max(Math.min(intervalMs, attempt.timeoutMs), 10) },
      );
      // Any length (a `timeout: 30d` overflows a plain timer and fires at once).
      const deadline = setLongTimeout(() => {
        deadlinePassed = true;
        void check('final');
        // A check stuck past the deadline (a read that never returns) must not hold the attempt: the timeout stands.
        backstop = setLongTimeout(() => {
          void withdrawCommandFile(paths.commandFile).catch(() => false);
          end({ status: 'timeout', outputs: {}, artifacts: [], error: stepError('TIMEOUT', `Step did not finish within ${formatDuration(attempt.timeoutMs)}; the check at the deadline did not finish within ${formatDuration(DEADLINE_BACKSTOP_MS)}`) });
        }, DEADLINE_BACKSTOP_MS);
      }, attempt.timeoutMs);
      let backstop: LongTimeout | undefined;
      const onAbort = () => {
        this.embeddedRunner?.cancel(paths.commandFile);
        // An unclaimed command is taken back; the cancel file tells an out-of-process runner that did claim it to stop
        // the step. Both are done before the attempt ends.
        void withdrawCommandFile(paths.commandFile)
          .catch(() => false)
          .then(() => writeFileAtomically(paths.cancelFile, `${new Date().toISOString()}\n`))
          .catch(() => undefined)
          .finally(() => end({ status: 'cancelled', outputs: {}, artifacts: [], error: { code: 'CANCELLED', message: 'Step was cancelled', retryable: false } }));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      void check('event');
    });
  }

  /**
   * The outcome for a runner that is alive but no longer heart-beating: retryable. The cancel file asks it to stop the
   * step should it resume (kill -CONT), and the stall is audited.
   */
  private async stalled(attempt: StepAttempt, paths: ProtocolPaths, stall: Stall): Promise<Omit<AttemptOutcome, 'startedAt' | 'completedAt'>> {
    const message = `The background agent running this step (${describeStall(stall, heartbeatIntervalMs())}); the step can be retried. Check it with "tapps-agents background-agent status"`;
    await writeFileAtomically(paths.cancelFile, `${new Date().toISOString()}\n`).catch(() => undefined);
    await this.observer.audit({ event: 'runner.stalled', ...ids(attempt), actor: 'executor', details: { pid: stall.pid, host: stall.host, heartbeat_age_ms: stall.ageMs, stopped: stall.stopped } });
    return failure('RUNNER_STALLED', message, true);
  }

  /**
   * Before an attempt whose runner died is run again (here or by any runner), what is left of it is stopped: SIGKILL
   * runs no exit hook, so its process groups run on, and the step must never run twice at once (src/exec/orphan-groups.ts).
   */
  private async stopOrphanedAttempt(): Promise<void> {
    await takeOverOrphanedGroups(this.options.projectRoot, this.observer, 'executor').catch((error: unknown) =>
      this.observer.logger.warn('could not stop the process groups of a runner that died', { error: String(error) }),
    );
  }

  /**
   * True when this attempt's command was claimed longer ago than the claim grace period and no status came: the
   * runner that claimed it died before reporting, and nobody else will run it.
   */
  private async claimAbandoned(attempt: StepAttempt, paths: ProtocolPaths): Promise<boolean> {
    if ((await claimAgeMs(paths.claimedFile)) <= claimGraceMs()) return false;
    if ((await readCommandFile(paths.commandFile)) !== undefined) return false;
    const claimed = await readCommandFile(paths.claimedFile);
    return claimed?.ok === true && commandMatches(claimed.value, attempt) && (await readStatusFile(paths.statusFile)).kind === 'missing';
  }

  /** The outcome of a terminal status, with the expected-artifact check when artifact detection is on. */
  private async outcomeOf(report: StatusReport, attempt: StepAttempt, startMs: number): Promise<Omit<AttemptOutcome, 'completedAt'> & { completedAt?: string }> {
    // The attempt's own times: a result adopted on resume took as long as it ran, not as long as the adoption.
    const base = {
      outputs: report.outputs,
      artifacts: report.artifacts,
      ...(report.output === undefined ? {} : { output: report.output }),
      ...(report.usage === undefined ? {} : { usage: report.usage }),
      startedAt: report.startedAt ?? new Date(startMs).toISOString(),
      ...(report.completedAt === undefined ? {} : { completedAt: report.completedAt }),
    };
    if (report.status === 'failed') {
      // A runner's own deadline is a timeout, labelled as such in metrics like the executor's (history --status timeout).
      const status = report.error?.code === 'TIMEOUT' ? 'timeout' : 'failed';
      return { ...base, status, error: report.error ?? { code: 'FAILED', message: 'The background agent reported failure without a reason', retryable: false } };
    }
    if (this.options.config.autoExecution.features.artifact_detection && attempt.expectedArtifacts.length > 0) {
      const missing = await missingArtifacts(attempt.stepDir, attempt.expectedArtifacts, startMs);
      if (missing.length > 0) {
        return { ...base, status: 'failed', error: artifactsMissingError(missing, attempt.stepDir) };
      }
    }
    return { ...base, status: 'success', artifacts: report.artifacts.length > 0 ? report.artifacts : attempt.expectedArtifacts };
  }
}

/**
 * Does a status answer this attempt? `match`; `other-attempt` when it names a different correlation; `stale` when it
 * names none that could tell (the original's shapes) and was written before the attempt started.
 */
export function matchStatus(report: StatusReport, mtimeMs: number, attempt: StepAttempt, startMs: number): 'match' | 'other-attempt' | 'stale' {
  const found = report.correlation;
  const want = attempt.correlation;
  if (found.run_id !== undefined || found.attempt !== undefined) return exactMatch(report, attempt) ? 'match' : 'other-attempt';
  if (found.workflow_id !== undefined && found.workflow_id !== want.workflow_id && found.workflow_id !== want.run_id) return 'other-attempt';
  if (found.step_id !== undefined && found.step_id !== want.step_id) return 'other-attempt';
  return mtimeMs + 1 >= startMs ? 'match' : 'stale';
}

function exactMatch(report: StatusReport, attempt: StepAttempt): boolean {
  const found = report.correlation;
  const want = attempt.correlation;
  return found.workflow_id === want.workflow_id && found.run_id === want.run_id && found.step_id === want.step_id && found.attempt === want.attempt;
}

function commandMatches(command: CommandFile, attempt: StepAttempt): boolean {
  const found = command.correlation;
  const want = attempt.correlation;
  return found.workflow_id === want.workflow_id && found.run_id === want.run_id && found.step_id === want.step_id && found.attempt === want.attempt;
}

function failure(code: StepErrorCode, message: string, retryable: boolean): Omit<AttemptOutcome, 'startedAt' | 'completedAt'> {
  return { status: 'failed', outputs: {}, artifacts: [], error: stepError(code, message, retryable) };
}

function ids(attempt: StepAttempt) {
  const { workflow_id, run_id, step_id, attempt: number } = attempt.correlation;
  return { workflow_id, run_id, step_id, attempt: number };
}

function defaultInstructions(paths: ProtocolPaths): string {
  return [
    'A background agent runs this step: "tapps-agents background-agent start" (or run it by hand:',
    `tapps-agents workflow execute-skill-command --command-file ${paths.commandFile}).`,
    `The result is written to ${paths.statusFile}.`,
  ].join('\n');
}

/** The attempt span's trace context for its command file, when the run is traced. */
function traceparentOf(observer: ExecutionObserver, correlation: { run_id: string; step_id: string; attempt: number }): { traceparent?: string } {
  const traceparent = observer.traceparent?.(correlation);
  return traceparent === undefined || traceparent === '' ? {} : { traceparent };
}
