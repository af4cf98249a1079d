// Whether a process recorded in a state or status file is still running: its pid exists, and it is on this host.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * True when `pid` is a live process on this machine (EPERM means it exists but belongs to someone else). A zombie —
 * killed, not yet reaped by its parent (often init, which may take a second or two) — is not alive.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = procStat(pid)?.state;
  return state !== 'Z' && state !== 'X';
}

/**
 * Linux's `/proc/<pid>/stat`: the process state (R, S, D, Z, …) and start time in clock ticks since boot, which tells a
 * process from a later one given the same pid. Undefined when the process is gone or the system has no /proc.
 */
export function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * True when the process recorded as `pid` (with its start time `start`, when recorded) is still that process: a pid
 * reused by a later process is not it, so it is never signalled in its place.
 */
export function isRecordedProcessAlive(pid: number, start: string | undefined): boolean {
  if (!isProcessAlive(pid)) return false;
  if (start === undefined) return true;
  const now = procStat(pid)?.start;
  return now === undefined || now === start;
}

/**
 * Liveness of a process recorded with its host: true or false on this host; undefined on another host, where the pid
 * cannot be checked (callers then judge by heartbeat).
 */
export function processLiveness(pid: number, host: string | undefined): boolean | undefined {
  if (host !== undefined && host !== hostname()) return undefined;
  return isProcessAlive(pid);
}
