// Whether a process recorded in a state or status file is still running: its pid exists, and it is on this host.

import { hostname } from 'node:os';

/** True when `pid` is a live process on this machine (EPERM means it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
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
