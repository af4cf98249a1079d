// The `file` transport: writes the attempt's command file into the step directory (or adopts the one a previous
// executor left for the same attempt) and waits for a matching terminal status beside it (./attempt-wait.ts).

import { unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { ResolvedConfig } from '../config/resolve.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import { silentObserver, type ExecutionObserver } from '../observability/observer.js';
import { withdrawCommandFile } from '../protocol/claim.js';
import { readCommandFile, writeCommandFile } from '../protocol/command-file.js';
import { isProcessAlive } from '../exec/process-alive.js';
import { takeOverOrphanedGroups } from '../exec/orphan-groups.js';
import { claimAgeMs, claimGraceMs } from '../protocol/liveness.js';
import { protocolPaths, type ProtocolPaths } from '../protocol/paths.js';
import { readStatusFile } from '../protocol/status-file.js';
import { formatInstructions } from '../protocol/instructions.js';
import { auditIds, commandOfAttempt, statusOfAttempt } from './attempt-correlation.js';
import { waitForAttempt } from './attempt-wait.js';
import { failedOutcome } from './terminal-outcome.js';
import type { HandledCommand, LocalRunner } from './local-runner.js';
import type { AttemptOutcome, StepAttempt, Transport } from './transport.js';

export type { LocalRunner } from './local-runner.js';

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
    const { startMs, refused, handled } = await this.dispatch(attempt, paths);
    if (refused !== undefined && (await withdrawCommandFile(paths.commandFile).catch(() => false))) {
      // Nobody else can take it while the runner in this process is there (no NO_RUNNER wait): the attempt ends now.
      const message = `The runner in this process did not take this step: ${refused}; the step can be retried`;
      this.observer.logger.warn('command file not taken by the runner in this process', { command_file: paths.commandFile, reason: refused });
      return { ...failedOutcome('NO_RUNNER', message, true), startedAt: new Date(startMs).toISOString(), completedAt: new Date().toISOString() };
    }
    return waitForAttempt({
      attempt,
      paths,
      startMs,
      signal,
      projectRoot: this.options.projectRoot,
      config: this.options.config,
      observer: this.observer,
      manual: this.options.manual === true,
      localRunner: () => this.embeddedRunner,
      stopOrphanedAttempt: () => this.stopOrphanedAttempt(),
      ...(handled === undefined ? {} : { handled }),
    });
  }

  async close(): Promise<void> {
    await this.embeddedRunner?.stop({ graceMs: 0 });
  }

  /** Asks once per dispatch for a runner in this process, until there is one (then it serves the rest of the run). */
  private async ensureRunner(): Promise<void> {
    if (this.embeddedRunner === undefined) this.embeddedRunner = await this.options.localRunner?.();
  }

  /**
   * Writes the command file, or adopts what a previous executor left for this same attempt. `refused` says why the
   * runner in this process did not take it; `handled`, when it took a freshly written one, how it ended.
   */
  private async dispatch(attempt: StepAttempt, paths: ProtocolPaths): Promise<{ startMs: number; refused?: string; handled?: Promise<HandledCommand> }> {
    // A step's first attempt finds no protocol directory: nothing to adopt, and no earlier attempt's files to remove.
    // Made here, through the write boundary as the command file's write would (it is then known inside): the write
    // no longer tries an open that fails for want of it, then makes it and opens again.
    if (await makeDirectoryInside(paths.dir, 0o700)) return this.dispatchFresh(attempt, paths, false);
    const correlation = attempt.correlation;
    // Three independent reads, at once: waiting on each in turn was a measurable part of a no-op step.
    const [status, command, claimed] = await Promise.all([readStatusFile(paths.statusFile), readCommandFile(paths.commandFile), readCommandFile(paths.claimedFile)]);
    const pendingCommand = command ?? claimed;
    const sameAttempt = pendingCommand?.ok === true && commandOfAttempt(pendingCommand.value, attempt);
    const statusOfThisAttempt = status.kind === 'ok' && statusOfAttempt(status.report, attempt);
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
        const refused = unclaimed ? this.offer(paths, attempt).refused : undefined;
        // Artifacts count from when the attempt was first dispatched, not from this (resumed) call.
        const firstCreated = sameAttempt && pendingCommand.ok ? Date.parse(pendingCommand.value.correlation.created_at ?? '') : NaN;
        const firstStarted = status.kind === 'ok' ? Date.parse(status.report.startedAt ?? '') : NaN;
        const adoptedStart = [firstCreated, firstStarted, createdMs].find((value) => !Number.isNaN(value)) ?? Date.now();
        return { startMs: adoptedStart, ...(refused === undefined ? {} : { refused }) };
      }
    }
    return this.dispatchFresh(attempt, paths, true);
  }

  /** Writes the attempt's command file and offers it to the runner in this process; `leftovers`: the directory existed. */
  private async dispatchFresh(attempt: StepAttempt, paths: ProtocolPaths, leftovers: boolean): Promise<{ startMs: number; refused?: string; handled?: Promise<HandledCommand> }> {
    const correlation = attempt.correlation;
    const createdMs = Date.parse(correlation.created_at);
    // A status left by an earlier attempt must never complete this one, nor its cancel request stop it.
    if (leftovers) await Promise.all([unlink(paths.statusFile).catch(() => undefined), unlink(paths.cancelFile).catch(() => undefined)]);
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
    const text = await writeCommandFile(paths.commandFile, input, { durable: this.embeddedRunner === undefined });
    await this.observer.audit({ event: 'command.written', ...auditIds(attempt), actor: 'executor', details: { command_file: paths.commandFile } });
    this.options.onCommandWritten?.({
      stepId: correlation.step_id,
      commandFile: paths.commandFile,
      statusFile: paths.statusFile,
      ...(instructionsFile === undefined ? {} : { instructionsFile }),
      adopted: false,
    });
    const { refused, handled } = this.offer(paths, attempt, text);
    return { startMs, ...(refused === undefined ? {} : { refused }), ...(handled === undefined ? {} : { handled }) };
  }

  /**
   * Hands the command to the runner in this process, if any: why it was not taken, when it was not; how it ended, when
   * it was taken with its `text` (the wait then learns the terminal status from memory, not from reading it back).
   */
  private offer(paths: ProtocolPaths, attempt: StepAttempt, text?: string): { refused?: string; handled?: Promise<HandledCommand> } {
    const runner = this.embeddedRunner;
    if (runner === undefined) return {};
    let told: (handled: HandledCommand) => void = () => undefined;
    const handled = new Promise<HandledCommand>((resolve) => (told = resolve));
    const offered = runner.offer(paths.commandFile, { invocation: attempt.invocation, env: attempt.env, ...(text === undefined ? {} : { text, onHandled: told }) });
    if (!offered.taken) return { refused: offered.reason };
    return text === undefined ? {} : { handled };
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
