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
  return !isZombie(pid);
}

/** Linux: the state field of /proc/<pid>/stat is Z (zombie) or X (dead). Elsewhere: false. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/**
 * Liveness of a process recorded with its host: true or false on this host; undefined on another host, where the pid
 * cannot be checked (callers then judge by heartbeat).
 */
export function processLiveness(pid: number, host: string | undefined): boolean | undefined {
  if (host !== undefined && host !== hostname()) return undefined;
  return isProcessAlive(pid);
}
