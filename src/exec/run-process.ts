// Runs a child process in its own process group, with a timeout and cancellation that kill the whole group
// (grandchildren included: SIGTERM, then SIGKILL after a grace period), and bounded output capture.

import { spawn } from 'node:child_process';
import { signalGroup, trackGroup, untrackGroup } from './process-group.js';
import { setLongTimeout, type LongTimeout } from '../time/long-timeout.js';

export interface RunProcessOptions {
  /** Executable; resolved on PATH. Arguments are never joined into a shell string. */
  file: string;
  args?: readonly string[];
  cwd: string;
  /** The full environment of the child. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Kill the group after this long. @default no timeout */
  timeoutMs?: number;
  /** Aborting kills the group. */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL. @default 2000 */
  killGraceMs?: number;
  /** Bytes of stdout and of stderr kept (the tail). @default 1 MiB */
  maxOutputBytes?: number;
  /** Written to the child's stdin, which is then closed. @default stdin is closed at once */
  input?: string;
  /** Called with each chunk of output as it arrives (for live logs). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

export interface ProcessResult {
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  /** The signal that ended the process, if any. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The last `maxOutputBytes` of stdout. */
  stdout: string;
  /** The last `maxOutputBytes` of stderr. */
  stderr: string;
  /** Set when the executable could not be started (ENOENT, EACCES, …). */
  spawnError?: NodeJS.ErrnoException;
}

/** Runs a process to completion. Never rejects: failures are in the result. */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const limit = options.maxOutputBytes ?? 1024 * 1024;
  const grace = options.killGraceMs ?? 2000;
  return new Promise((resolve) => {
    const stdout = new TailBuffer(limit);
    const stderr = new TailBuffer(limit);
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: LongTimeout | undefined;

    const child = spawn(options.file, options.args ?? [], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });

    const killGroup = () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), grace);
    };
    const onAbort = () => {
      cancelled = true;
      killGroup();
    };

    if (child.pid !== undefined) trackGroup(child.pid);
    if (options.timeoutMs !== undefined) {
      timeoutTimer = setLongTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs);
    }
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout.push(chunk);
      options.onOutput?.('stdout', chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(chunk);
      options.onOutput?.('stderr', chunk);
    });
    child.stdin.on('error', () => undefined); // a child that exits without reading its input is not an error
    child.stdin.end(options.input ?? '');

    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    child.on('close', (exitCode, signal) => {
      timeoutTimer?.clear();
      options.signal?.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) {
        // The leader is gone; make sure no grandchild outlives it when we killed the group.
        if (timedOut || cancelled) signalGroup(child.pid, 'SIGKILL');
        untrackGroup(child.pid);
      }
      clearTimeout(killTimer);
      resolve({
        exitCode,
        signal,
        timedOut,
        cancelled,
        durationMs: performance.now() - started,
        stdout: stdout.text(),
        stderr: stderr.text(),
        ...(spawnError === undefined ? {} : { spawnError }),
      });
    });
  });
}

/** Keeps only the last `limit` characters written to it. */
class TailBuffer {
  private chunks: string[] = [];
  private size = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  push(chunk: string): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 1) this.size -= (this.chunks.shift() as string).length;
  }

  text(): string {
    const all = this.chunks.join('');
    return all.length > this.limit ? all.slice(all.length - this.limit) : all;
  }
}
