// Is the writer of a `running` status still alive? Heartbeats older than three intervals from a pid that is gone on
// this host mean the runner died; heartbeats older than STALL_INTERVALS from a pid that is still there mean it is
// stalled (stopped with SIGSTOP, or hung). Either way the attempt fails as retryable instead of waiting for its deadline.

import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isProcessAlive, procStat } from '../exec/process-alive.js';
import type { StatusReport } from './status-file.js';

/** How often writers refresh `heartbeat_at` (and touch the status file). `TAPPS_AGENTS_HEARTBEAT_MS` overrides it. */
export function heartbeatIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.TAPPS_AGENTS_HEARTBEAT_MS);
  return Number.isFinite(value) && value > 0 ? value : 1000;
}

/**
 * How long a claimed command may go without any status before its claimer counts as gone: a live runner writes
 * `running` right after it claims, so only a runner killed in between leaves a claim unanswered. Five seconds at
 * least, so a busy machine is not mistaken for a dead runner.
 */
export function claimGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  return Math.max(3 * heartbeatIntervalMs(env), 5000);
}

/**
 * How long ago the command in `claimedFile` was claimed (Infinity when there is no such file): the later of its
 * modification time, which the claimer stamps, and its change time, which the rename itself sets — so a claim is never
 * judged by the executor's write time, even in the moment before the stamp or from a runner that does not stamp.
 */
export async function claimAgeMs(claimedFile: string, now = Date.now()): Promise<number> {
  const info = await stat(claimedFile).catch(() => undefined);
  return info === undefined ? Infinity : now - Math.max(info.mtimeMs, info.ctimeMs);
}

/**
 * True when the `running` status `report` (file modified at `mtimeMs`) comes from a writer that is gone:
 * its last sign of life (heartbeat or file touch) is older than three intervals and, on this host, its pid is dead
 * (on another host, the stale heartbeat alone decides).
 */
export function writerIsDead(report: StatusReport, mtimeMs: number, now = Date.now(), intervalMs = heartbeatIntervalMs()): boolean {
  const beat = Math.max(mtimeMs, report.heartbeatAt === undefined ? 0 : Date.parse(report.heartbeatAt) || 0);
  if (now - beat <= 3 * intervalMs) return false;
  // A writer that names no process (the original's shapes) is only bounded by the deadline.
  if (report.runner === undefined) return false;
  if (report.runner.host !== hostname()) return true;
  return !isProcessAlive(report.runner.pid);
}

/**
 * How many heartbeat intervals a live writer may miss before it counts as stalled (docs/decisions.md): ten, so a
 * machine too busy to run a timer for a few seconds is not mistaken for a stopped runner (at the default 1 s interval
 * a stall is noticed after 10 s).
 */
export const STALL_INTERVALS = 10;

/** A writer that is alive but has stopped heart-beating. */
export interface Stall {
  pid: number;
  host: string;
  /** How long ago its last heartbeat (or file touch) was. */
  ageMs: number;
  /** True when the process is stopped (state T, e.g. SIGSTOP), as far as /proc tells. */
  stopped: boolean;
}

/**
 * The stall of the `running` status `report` (file modified at `mtimeMs`): its writer is alive on this host but its last
 * sign of life is older than {@link STALL_INTERVALS} intervals. Undefined when it is beating, gone, or elsewhere.
 */
export function writerStall(report: StatusReport, mtimeMs: number, now = Date.now(), intervalMs = heartbeatIntervalMs()): Stall | undefined {
  const writer = report.runner;
  // This process's own runner cannot be stopped while this code runs; a late heartbeat here is a busy event loop.
  if (writer === undefined || writer.host !== hostname() || writer.pid === process.pid) return undefined;
  return stallOf(writer.pid, writer.host, Math.max(mtimeMs, report.heartbeatAt === undefined ? 0 : Date.parse(report.heartbeatAt) || 0), now, intervalMs);
}

/** The stall of process `pid` (on this host) whose last heartbeat was at `beatMs`, or undefined. */
export function stallOf(pid: number, host: string, beatMs: number, now: number, intervalMs: number): Stall | undefined {
  const ageMs = now - beatMs;
  if (ageMs <= STALL_INTERVALS * intervalMs || !isProcessAlive(pid)) return undefined;
  return { pid, host, ageMs, stopped: procStat(pid)?.state === 'T' };
}

/** The words for a stall: "pid 42 on host-a has sent no heartbeat for 12s (it is stopped, e.g. by SIGSTOP)". */
export function describeStall(stall: Stall, intervalMs: number): string {
  const why = stall.stopped ? 'it is stopped, e.g. by SIGSTOP; "kill -CONT ' + String(stall.pid) + '" resumes it' : 'it is alive but hung';
  return `pid ${stall.pid} on ${stall.host} has sent no heartbeat for ${Math.round(stall.ageMs / 1000)}s, more than ${STALL_INTERVALS} intervals of ${intervalMs} ms (${why})`;
}
