// `.tapps-agents/runner/status.json`: what a runner says about itself (pid, host, heartbeat, state, watch paths,
// counts, its step slots and which step of which run each busy one runs; a daemon also its PATH, the engine CLIs it
// can run and its environment's variable names). `background-agent status`, `auto-execution status|health`, the
// embedded-runner decision and the pre-run engine check read it.

import { hostname } from 'node:os';
import path from 'node:path';
import { isRecordedProcessAlive } from '../exec/process-alive.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { isNotRegularFile, readRegularFile } from '../fs/read-regular-file.js';
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

/**
 * One busy step slot of a runner: the attempt of the step of the run it is running, from the claimed command file
 * (a command file of the original's format names no run or attempt: null).
 */
export interface RunnerSlot {
  run_id: string | null;
  workflow_id: string | null;
  step_id: string | null;
  attempt: number | null;
  /** When the runner claimed it. */
  started_at: string;
  /** The command file it was offered, relative to the project root. */
  command_file: string;
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
  /** Its step slots (global.max_parallel_agents); absent in files written before slots were published. */
  max_parallel?: number;
  /** Its busy slots, oldest first; absent in files written before slots were published. */
  slots?: RunnerSlot[];
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

/** Reads the runner status file; missing, unreadable or unusable → undefined (observers: {@link readRunnerStatusFile}). */
export async function readRunnerStatus(projectRoot: string): Promise<RunnerStatus | undefined> {
  const reading = await readRunnerStatusFile(runnerStatusFile(projectRoot));
  return reading.kind === 'usable' ? reading.status : undefined;
}

/**
 * A runner status file as an observer (status, health, the dashboard) sees it: not there, there but unusable (with why,
 * in words that follow the file's path: "is empty", "is a directory, not a file", "has no host"), or usable.
 */
export type RunnerStatusFileReading =
  | { kind: 'missing'; file: string }
  | { kind: 'unusable'; file: string; problem: string }
  | { kind: 'usable'; file: string; status: RunnerStatus };

/** Reads the runner status file `file` without throwing: see {@link RunnerStatusFileReading}. */
export async function readRunnerStatusFile(file: string): Promise<RunnerStatusFileReading> {
  let text: string;
  try {
    text = await readRegularFile(file);
  } catch (error) {
    if (isNotRegularFile(error)) return { kind: 'unusable', file, problem: `is ${String(error.details.kind)}, not a file` };
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing', file };
    return { kind: 'unusable', file, problem: code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? String(error)})` };
  }
  const checked = checkRunnerStatus(text);
  return checked.status === undefined ? { kind: 'unusable', file, problem: checked.problem } : { kind: 'usable', file, status: checked.status };
}

/**
 * The text of a runner status file as a status; not JSON or not a runner status → undefined. Checked by hand, not with
 * zod: `auto-execution status` reads this file and nothing else that needs the validation library (~25 ms to load).
 */
export function parseRunnerStatus(text: string): RunnerStatus | undefined {
  return checkRunnerStatus(text).status;
}

/** {@link parseRunnerStatus} saying why a text is no runner status: "is empty", "is not valid JSON…", "has no host"… */
export function checkRunnerStatus(text: string): { status: RunnerStatus; problem?: undefined } | { status?: undefined; problem: string } {
  if (text.trim() === '') return { problem: 'is empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'is not valid JSON (cut short, or edited by hand)' };
  }
  if (!isRecord(value)) return { problem: 'is not a JSON object' };
  for (const [field, { required, valid, expected }] of Object.entries(FIELDS)) {
    const entry = value[field];
    if (entry === undefined) {
      if (required) return { problem: `has no ${field}` };
    } else if (!valid(entry)) {
      return { problem: `has a ${field} that is not ${expected} (${JSON.stringify(entry).slice(0, 40)})` };
    }
  }
  return { status: value as RunnerStatus };
}

const STATES: readonly unknown[] = ['starting', 'running', 'stopping', 'stopped'];
const COUNTS = ['claimed', 'running', 'finished', 'failed', 'refused'] as const;

const isString = (value: unknown) => typeof value === 'string';
const isTime = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const isStringList = (value: unknown) => Array.isArray(value) && value.every(isString);
const isNullOr = (valid: (value: unknown) => boolean) => (value: unknown) => value === null || valid(value);
const isSlot = (value: unknown) =>
  isRecord(value) &&
  isTime(value.started_at) &&
  isString(value.command_file) &&
  isNullOr(isString)(value.run_id) &&
  isNullOr(isString)(value.workflow_id) &&
  isNullOr(isString)(value.step_id) &&
  isNullOr(Number.isInteger)(value.attempt);
const field = (required: boolean, valid: (value: unknown) => boolean, expected: string) => ({ required, valid, expected });

/** Every field the guard knows, in the order its problems are reported; fields added by newer versions pass. */
const FIELDS: Record<string, { required: boolean; valid: (value: unknown) => boolean; expected: string }> = {
  id: field(true, isString, 'a string'),
  pid: field(true, Number.isInteger, 'an integer'),
  host: field(true, isString, 'a string'),
  started_at: field(true, isTime, 'a timestamp'),
  heartbeat_at: field(true, isTime, 'a timestamp'),
  state: field(true, (value) => STATES.includes(value), 'one of starting, running, stopping, stopped'),
  watch_paths: field(true, isStringList, 'a list of strings'),
  counts: field(true, (value) => isRecord(value) && COUNTS.every((key) => Number.isInteger(value[key])), `counts of ${COUNTS.join(', ')}`),
  max_parallel: field(false, (value) => Number.isInteger(value) && (value as number) >= 1, 'a whole number of 1 or more'),
  slots: field(false, (value) => Array.isArray(value) && value.every(isSlot), 'a list of slots (run_id, workflow_id, step_id, attempt, started_at, command_file)'),
  pid_start: field(false, isString, 'a string'),
  log_file: field(false, isString, 'a string'),
  mode: field(false, (value) => value === 'daemon' || value === 'embedded', 'daemon or embedded'),
  run_id: field(false, isString, 'a string'),
  path: field(false, isString, 'a string'),
  engine_commands: field(false, (value) => isRecord(value) && Object.values(value).every((entry) => entry === null || isString(entry)), 'a map of commands to paths'),
  env_names: field(false, isStringList, 'a list of strings'),
};

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
