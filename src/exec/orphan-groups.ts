// A process killed with SIGKILL while its steps run leaves their process groups running: no exit hook runs. So each
// executor and runner keeps a ledger of its live groups in `.tapps-agents/process-groups/<host>-<pid>.json`, and
// whoever starts next in the project (a runner, an executor) kills the groups of ledgers whose owner is gone. A step
// re-run after a crash then never overlaps with what is left of its interrupted attempt.

import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { ExecutionObserver } from '../observability/observer.js';
import { isProcessAlive } from './process-alive.js';
import { liveGroups, onLiveGroupsChange, signalGroup } from './process-group.js';

/** `.tapps-agents/process-groups/` of a project. */
export function processGroupsDir(projectRoot: string): string {
  return path.join(projectRoot, '.tapps-agents', 'process-groups');
}

/** A live process, identified so that a reused pid is not mistaken for it. */
interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (Linux `/proc/<pid>/stat` field 22); absent where there is no /proc. */
  start?: string;
}

/** One ledger file: the owner and the process groups it started that have not ended. */
interface Ledger {
  owner: ProcessIdentity;
  host: string;
  groups: ProcessIdentity[];
}

/** The start time of `pid`, or undefined when it is gone or the system has no /proc. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function identity(pid: number): ProcessIdentity {
  const start = processStart(pid);
  return start === undefined ? { pid } : { pid, start };
}

/** True while the process recorded as `recorded` runs (not a later process given the same pid). */
function stillRunning(recorded: ProcessIdentity): boolean {
  if (!isProcessAlive(recorded.pid)) return false;
  const start = processStart(recorded.pid);
  return recorded.start === undefined || start === undefined || start === recorded.start;
}

let ledgerFile: string | undefined;

/**
 * Keeps this process's ledger in `projectRoot` from now on (the first call wins: a process serves one project).
 * Written synchronously on every change, so a kill right after a spawn still finds the group recorded; not fsynced,
 * because a machine crash ends the groups too.
 */
export function recordProcessGroups(projectRoot: string): void {
  if (ledgerFile !== undefined) return;
  const dir = processGroupsDir(projectRoot);
  const file = path.join(dir, `${hostname()}-${process.pid}.json`);
  ledgerFile = file;
  const owner = identity(process.pid);
  const starts = new Map<number, ProcessIdentity>();
  const write = (groups: ReadonlySet<number>) => {
    for (const pgid of starts.keys()) if (!groups.has(pgid)) starts.delete(pgid);
    for (const pgid of groups) if (!starts.has(pgid)) starts.set(pgid, identity(pgid));
    try {
      if (groups.size === 0) {
        unlinkSync(file);
        return;
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const ledger: Ledger = { owner, host: hostname(), groups: [...starts.values()] };
      writeFileSync(`${file}.tmp`, `${JSON.stringify(ledger)}\n`, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    } catch {
      // The ledger is a safety net for crashes; a step must not fail because it could not be written (disk full).
    }
  };
  onLiveGroupsChange(write);
  if (liveGroups.size > 0) write(liveGroups);
}

/** Process groups killed because their owner was gone. */
export interface ReapedGroups {
  owner: number;
  groups: number[];
}

/**
 * Starts this process's ledger, then kills what crashed owners left: what a runner or executor does first.
 * Each group killed is logged and audited (`process.reaped`).
 */
export async function takeOverOrphanedGroups(projectRoot: string, observer: ExecutionObserver, actor: string): Promise<void> {
  recordProcessGroups(projectRoot);
  for (const { owner, groups } of await reapOrphanedGroups(projectRoot)) {
    observer.logger.warn('killed process groups left running by a process that is gone', { owner_pid: owner, process_groups: groups });
    await observer.audit({ event: 'process.reaped', actor, details: { owner_pid: owner, process_groups: groups } });
  }
}

/** Kills (SIGKILL) the process groups of every ledger in the project whose owner on this host is gone. */
export async function reapOrphanedGroups(projectRoot: string): Promise<ReapedGroups[]> {
  const dir = processGroupsDir(projectRoot);
  const reaped: ReapedGroups[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    let ledger: Ledger;
    try {
      ledger = JSON.parse(await readFile(file, 'utf8')) as Ledger;
    } catch {
      continue; // being replaced right now, or not a ledger
    }
    if (ledger.host !== hostname() || ledger.owner.pid === process.pid || stillRunning(ledger.owner)) continue;
    const killed = ledger.groups.filter((group) => {
      // A leader that is gone with its pid reused by another process: that group is not ours to kill.
      const start = processStart(group.pid);
      if (start !== undefined && group.start !== undefined && start !== group.start) return false;
      try {
        process.kill(-group.pid, 0);
        signalGroup(group.pid, 'SIGKILL');
        return true;
      } catch {
        return false; // ESRCH: it ended on its own; EPERM: not ours
      }
    });
    await unlink(file).catch(() => undefined);
    if (killed.length > 0) reaped.push({ owner: ledger.owner.pid, groups: killed.map((group) => group.pid) });
  }
  return reaped;
}
