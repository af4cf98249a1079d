// Controlling the runner daemon from another process: start it detached and wait until it is ready, stop it
// (ask, wait for the grace period, then kill), and report its status from `.tapps-agents/runner/status.json`.

import path from 'node:path';
import { TappsError } from '../errors.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { isRecordedProcessAlive } from '../exec/process-alive.js';
import { findLiveRunner, readRunnerStatus, readRunnerStatusFile, runnerDir, runnerIsAlive, runnerStall, runnerStatusFile, type RunnerCounts, type RunnerStatus } from '../protocol/runner-status.js';
import type { Stall } from '../protocol/liveness.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { sleepLong } from '../time/long-timeout.js';
import { exitedAtStartMessage, startDetachedCli } from './start-detached-cli.js';

/** The daemon's log file. */
export function runnerLogFile(projectRoot: string): string {
  return path.join(runnerDir(projectRoot), 'runner.log');
}

/** Where `stop` leaves the grace period for the daemon to read when it gets SIGTERM. */
export function stopRequestFile(projectRoot: string): string {
  return path.join(runnerDir(projectRoot), 'stop-request.json');
}

/** The exit code of a daemon that found the runner lock held (LOCK_HELD → EXIT.CONFLICT, docs/cli.md). */
const LOCK_HELD_EXIT = 3;

/** The result of `background-agent start`. */
export interface StartReport {
  pid: number;
  alreadyRunning: boolean;
  logFile: string;
  watchPaths: string[];
}

/**
 * Starts the daemon detached (`background-agent run` in a new session) and resolves once it reports `running`.
 * @throws {TappsError} when it exits or does not become ready within `timeoutMs`.
 */
export async function startDaemon(projectRoot: string, options: { timeoutMs?: number; metricsPort?: number } = {}): Promise<StartReport> {
  const live = await findLiveRunner(projectRoot);
  if (live !== undefined) return { pid: live.pid, alreadyRunning: true, logFile: live.log_file ?? runnerLogFile(projectRoot), watchPaths: live.watch_paths };
  const logFile = runnerLogFile(projectRoot);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  return startDetachedCli<StartReport>({
    projectRoot,
    args: ['background-agent', 'run', '--log-file', logFile, ...(options.metricsPort === undefined ? [] : ['--metrics-port', String(options.metricsPort)])],
    logFile,
    name: 'background agent',
    timeoutMs,
    pollMs: 20,
    ready: async (pid) => {
      const status = await readRunnerStatus(projectRoot);
      return status?.pid === pid && status.state === 'running' ? { pid, alreadyRunning: false, logFile, watchPaths: status.watch_paths } : undefined;
    },
    exitedAtStart: async (code, pid, tail) => {
      // Two starts at once: each spawned a daemon, the other one took the lock and ours left. That one is the answer.
      // Exit 3 (LOCK_HELD) says so; any other exit is a real failure, reported at once.
      const other = code === LOCK_HELD_EXIT ? await otherLiveRunner(projectRoot, pid, deadline) : undefined;
      if (other !== undefined) return { pid: other.pid, alreadyRunning: true, logFile: other.log_file ?? logFile, watchPaths: other.watch_paths };
      throw new TappsError('CONFLICT', exitedAtStartMessage('background agent', code, tail));
    },
  });
}

/** A live runner other than `ownPid` once it reports running (or, at `deadline`, while still starting); else undefined. */
async function otherLiveRunner(projectRoot: string, ownPid: number, deadline: number): Promise<RunnerStatus | undefined> {
  for (;;) {
    const status = await readRunnerStatus(projectRoot);
    const other = status !== undefined && status.pid !== ownPid && runnerIsAlive(status) ? status : undefined;
    if (other?.state === 'running' || Date.now() > deadline) return other;
    await sleep(20);
  }
}

/** The result of `background-agent stop`. */
export interface StopReport {
  pid?: number;
  wasRunning: boolean;
  /** True when it had to be killed after the grace period. */
  killed: boolean;
}

/**
 * Stops the daemon: SIGTERM with the grace period for running steps, then SIGKILL if it is still there. Only the
 * recorded process is signalled: a status.json whose pid now belongs to another process (same pid, another start
 * time) names no runner, and that process is left alone — checked again right before each signal.
 */
export async function stopDaemon(projectRoot: string, options: { graceMs?: number } = {}): Promise<StopReport> {
  const status = await findLiveRunner(projectRoot);
  if (status === undefined) return { wasRunning: false, killed: false };
  const grace = options.graceMs ?? 10_000;
  const stillTheRunner = () => isRecordedProcessAlive(status.pid, status.pid_start);
  await writeFileAtomically(stopRequestFile(projectRoot), JSON.stringify({ grace_ms: grace, requested_at: new Date().toISOString() }));
  try {
    if (!stillTheRunner()) return { pid: status.pid, wasRunning: false, killed: false };
    process.kill(status.pid, 'SIGTERM');
  } catch {
    return { pid: status.pid, wasRunning: false, killed: false };
  }
  const deadline = Date.now() + grace + 5000;
  while (stillTheRunner()) {
    if (Date.now() > deadline) {
      process.kill(status.pid, 'SIGKILL');
      return { pid: status.pid, wasRunning: true, killed: true };
    }
    await sleep(25);
  }
  return { pid: status.pid, wasRunning: true, killed: false };
}

/** Reads and clears the grace period a `stop` asked for. */
export async function readStopRequest(projectRoot: string): Promise<number | undefined> {
  try {
    const request = JSON.parse(await readRegularFile(stopRequestFile(projectRoot))) as { grace_ms?: unknown };
    return typeof request.grace_ms === 'number' ? request.grace_ms : undefined;
  } catch {
    return undefined;
  }
}

/** The result of `background-agent status`. */
export interface RunnerStatusReport {
  running: boolean;
  pid?: number;
  host?: string;
  state?: RunnerStatus['state'];
  startedAt?: string;
  uptimeMs?: number;
  heartbeatAt?: string;
  watchPaths: string[];
  counts?: RunnerCounts;
  logFile?: string;
  /** A status file from a runner that is gone (killed without stopping). */
  stale: boolean;
  /** A runner that is alive but not heart-beating (see {@link runnerStall}). */
  stalled?: Stall;
  /** Why the status file, which is there, cannot be used ("is empty", "has no host"…); no runner is then known. */
  unusable?: string;
}

/** Reports on the project's runner. */
export async function runnerStatusReport(projectRoot: string): Promise<RunnerStatusReport> {
  const reading = await readRunnerStatusFile(runnerStatusFile(projectRoot));
  if (reading.kind === 'missing') return { running: false, watchPaths: [], stale: false };
  if (reading.kind === 'unusable') return { running: false, watchPaths: [], stale: false, unusable: reading.problem };
  const { status } = reading;
  const alive = runnerIsAlive(status);
  const stalled = runnerStall(status);
  return {
    ...(stalled === undefined ? {} : { stalled }),
    running: alive,
    pid: status.pid,
    host: status.host,
    state: alive ? status.state : 'stopped',
    startedAt: status.started_at,
    ...(alive ? { uptimeMs: Date.now() - Date.parse(status.started_at) } : {}),
    heartbeatAt: status.heartbeat_at,
    watchPaths: status.watch_paths,
    counts: status.counts,
    ...(status.log_file === undefined ? {} : { logFile: status.log_file }),
    stale: !alive && stalled === undefined && status.state !== 'stopped',
  };
}

function sleep(ms: number): Promise<void> {
  return sleepLong(ms);
}
