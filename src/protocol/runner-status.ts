// `.tapps-agents/runner/status.json`: what a runner says about itself (pid, host, heartbeat, state, watch paths,
// counts; a daemon also its PATH, the engine CLIs it can run and its environment's variable names).
// `background-agent status`, `auto-execution status|health`, the embedded-runner decision and the pre-run engine
// check read it.

import { hostname } from 'node:os';
import path from 'node:path';
import { isRecordedProcessAlive } from '../exec/process-alive.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { describeStall, STALL_INTERVALS, stallOf, type Stall } from './liveness.js';

/** How often a runner rewrites its status file. */
export const RUNNER_HEARTBEAT_MS = 2000;

/** What a runner has done since it started. */
export interface RunnerCounts {
  claimed: number;
  running: number;
  finished: number;
  failed: number;
  refused: number;
}

/** The runner status file. */
export interface RunnerStatus {
  id: string;
  pid: number;
  /** The process's start time (/proc/<pid>/stat), so a later process given the same pid is never taken for it (or signalled). */
  pid_start?: string;
  host: string;
  started_at: string;
  heartbeat_at: string;
  state: 'starting' | 'running' | 'stopping' | 'stopped';
  watch_paths: string[];
  counts: RunnerCounts;
  log_file?: string;
  /** `embedded` for a runner inside a `workflow execute` (absent in files written before it existed: the daemon). */
  mode?: 'daemon' | 'embedded';
  /** The run an embedded runner serves. */
  run_id?: string;
  /** A daemon's PATH: where it looks for engine CLIs (a pre-run check in another shell compares it with its own). */
  path?: string;
  /** The engine CLIs a daemon can run: command → its absolute path, or null when it is not on the daemon's PATH. */
  engine_commands?: Record<string, string | null>;
  /** The names (never the values) of a daemon's environment variables: which API keys its steps get. */
  env_names?: string[];
  /** Fields added by newer versions are kept. */
  [key: string]: unknown;
}

/** `.tapps-agents/runner/` of a project. */
export function runnerDir(projectRoot: string): string {
  return path.join(projectRoot, '.tapps-agents', 'runner');
}

/** `.tapps-agents/runner/status.json` of a project. */
export function runnerStatusFile(projectRoot: string): string {
  return path.join(runnerDir(projectRoot), 'status.json');
}

/** Writes the runner status atomically (tmp + rename, 0600; no fsync: it is rewritten every two seconds). */
export async function writeRunnerStatus(projectRoot: string, status: RunnerStatus): Promise<void> {
  await writeFileAtomically(runnerStatusFile(projectRoot), `${JSON.stringify(status, null, 2)}\n`, { durable: false });
}

/** Reads the runner status file; missing or unreadable → undefined. */
export async function readRunnerStatus(projectRoot: string): Promise<RunnerStatus | undefined> {
  return readRegularFile(runnerStatusFile(projectRoot)).then(parseRunnerStatus, () => undefined);
}

/**
 * The text of a runner status file as a status; not JSON or not a runner status → undefined. Checked by hand, not with
 * zod: `auto-execution status` reads this file and nothing else that needs the validation library (~25 ms to load).
 */
export function parseRunnerStatus(text: string): RunnerStatus | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRunnerStatus(value) ? value : undefined;
}

const STATES: readonly unknown[] = ['starting', 'running', 'stopping', 'stopped'];
const MODES: readonly unknown[] = ['daemon', 'embedded', undefined];
const COUNTS = ['claimed', 'running', 'finished', 'failed', 'refused'] as const;

function isRunnerStatus(value: unknown): value is RunnerStatus {
  if (!isRecord(value) || !isRecord(value.counts)) return false;
  const { counts } = value;
  return (
    typeof value.id === 'string' &&
    Number.isInteger(value.pid) &&
    typeof value.host === 'string' &&
    typeof value.started_at === 'string' &&
    typeof value.heartbeat_at === 'string' &&
    STATES.includes(value.state) &&
    Array.isArray(value.watch_paths) &&
    value.watch_paths.every((entry) => typeof entry === 'string') &&
    COUNTS.every((key) => Number.isInteger(counts[key])) &&
    ['log_file', 'run_id', 'pid_start', 'path'].every((key) => value[key] === undefined || typeof value[key] === 'string') &&
    MODES.includes(value.mode) &&
    (value.env_names === undefined || (Array.isArray(value.env_names) && value.env_names.every((entry) => typeof entry === 'string'))) &&
    (value.engine_commands === undefined || (isRecord(value.engine_commands) && Object.values(value.engine_commands).every((entry) => entry === null || typeof entry === 'string')))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when `status` describes a runner that is alive now: not stopped, and either on this host its pid is still the
 * recorded process (same start time: a pid reused since is not the runner) and it has not missed STALL_INTERVALS
 * heartbeats, or on another host its heartbeat is recent. On this host the process is the proof of life: a late
 * heartbeat from a live runner is a busy machine until it is a stall ({@link runnerStall}), never a dead runner.
 */
export function runnerIsAlive(status: RunnerStatus, now = Date.now()): boolean {
  if (status.state === 'stopped') return false;
  const ageMs = now - Date.parse(status.heartbeat_at);
  if (status.host === hostname()) return isRecordedProcessAlive(status.pid, status.pid_start) && ageMs <= STALL_INTERVALS * RUNNER_HEARTBEAT_MS;
  return ageMs <= 3 * RUNNER_HEARTBEAT_MS + 1000;
}

/**
 * The stall of a runner that is alive on this host (not stopped) but has not rewritten its status for more than
 * STALL_INTERVALS of its heartbeats: stopped with SIGSTOP, or hung. Undefined otherwise.
 */
export function runnerStall(status: RunnerStatus, now = Date.now()): Stall | undefined {
  if (status.state === 'stopped' || status.host !== hostname()) return undefined;
  return stallOf(status.pid, status.host, Date.parse(status.heartbeat_at) || 0, now, RUNNER_HEARTBEAT_MS);
}

/** "Background agent pid 42 on host-a is stalled: it has sent no heartbeat for 25s, …" */
export function stalledRunnerMessage(stall: Stall): string {
  return `Background agent ${describeStall(stall, RUNNER_HEARTBEAT_MS).replace(' has sent', ' is stalled: it has sent')}. Resume it, or stop it with "tapps-agents background-agent stop" and start a new one.`;
}

/** The live runner of the project, if any. */
export async function findLiveRunner(projectRoot: string): Promise<RunnerStatus | undefined> {
  const status = await readRunnerStatus(projectRoot);
  return status !== undefined && runnerIsAlive(status) ? status : undefined;
}
