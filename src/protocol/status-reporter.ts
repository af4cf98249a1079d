// Writes one attempt's status file over its life: `running` at once, a heartbeat every interval, then exactly one
// terminal status. Writes are serialised, so a heartbeat can never land after (and hide) the terminal status.

import { heartbeatIntervalMs } from './liveness.js';
import { writeStatusFile, type StatusCorrelation, type StatusInput, type StatusWriter } from './status-file.js';

/** How an attempt ended, as its status file will say: the result fields of a status, with a terminal status. */
export type TerminalStatus = Pick<StatusInput, 'error' | 'artifacts' | 'output' | 'outputs' | 'usage' | 'exitCode'> & { status: 'completed' | 'failed' };

/** The status file of one attempt, written by one writer. */
export class StatusReporter {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private progress: { percentage: number; message: string } | undefined;
  readonly startedAt = new Date().toISOString();
  private readonly file: string;
  private readonly correlation: Partial<StatusCorrelation>;
  private readonly command: string;
  private readonly writer: StatusWriter;
  private readonly onHeartbeat: (() => void) | undefined;

  /** `onHeartbeat` is told of each heartbeat written (audited in debug mode). */
  constructor(file: string, correlation: Partial<StatusCorrelation>, command: string, writer: StatusWriter, onHeartbeat?: () => void) {
    this.file = file;
    this.correlation = correlation;
    this.command = command;
    this.writer = writer;
    this.onHeartbeat = onHeartbeat;
  }

  /** Writes `running` and (unless told not to, when another process may write the file too) starts heartbeats. */
  async start(options: { heartbeats?: boolean } = {}): Promise<void> {
    await this.enqueue(() => this.writeRunning());
    if (options.heartbeats === false) return;
    this.timer = setInterval(() => {
      this.onHeartbeat?.();
      this.enqueue(() => this.writeRunning()).catch(() => undefined); // a failed heartbeat is retried next interval
    }, heartbeatIntervalMs());
    this.timer.unref();
  }

  /** Records progress; it goes out with the next heartbeat. */
  setProgress(progress: { percentage?: number; message: string }): void {
    this.progress = { percentage: progress.percentage ?? this.progress?.percentage ?? 0, message: progress.message };
  }

  /**
   * Stops heartbeats and writes the terminal status (once).
   * @returns the text of the terminal status as it is now on disk; undefined when it was already written (or abandoned)
   */
  async finish(result: TerminalStatus): Promise<string | undefined> {
    if (this.finished) return undefined;
    this.finished = true;
    clearInterval(this.timer);
    return this.enqueue(() =>
      writeStatusFile(this.file, {
        status: result.status,
        correlation: this.correlation,
        command: this.command,
        startedAt: this.startedAt,
        completedAt: new Date().toISOString(),
        runner: this.writer,
        ...(result.error === undefined ? {} : { error: result.error }),
        artifacts: result.artifacts ?? [],
        ...(result.output === undefined ? {} : { output: result.output }),
        outputs: result.outputs ?? {},
        ...(result.usage === undefined ? {} : { usage: result.usage }),
        ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
      }),
    );
  }

  /** Stops heartbeats without writing anything (the process is going away). */
  abandon(): void {
    this.finished = true;
    clearInterval(this.timer);
  }

  private async writeRunning(): Promise<void> {
    if (this.finished) return; // a heartbeat queued before the terminal write must not follow it
    await writeStatusFile(this.file, {
      status: 'running',
      correlation: this.correlation,
      command: this.command,
      startedAt: this.startedAt,
      runner: this.writer,
      ...(this.progress === undefined ? {} : { progress: this.progress }),
    });
  }

  private enqueue<T>(write: () => Promise<T>): Promise<T> {
    const next = this.chain.then(write);
    this.chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}
