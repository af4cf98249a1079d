// A process killed with SIGKILL while its steps run leaves their process groups running: no exit hook runs. So each
// executor and runner keeps a ledger of its live groups in `.tapps-agents/process-groups/<host>-<pid>.json`, and
// whoever starts next in the project (a runner, an executor) kills the groups of ledgers whose owner is gone. A step
// re-run after a crash then never overlaps with what is left of its interrupted attempt.

import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { ExecutionObserver } from '../observability/observer.js';
import { isProcessAlive, procStat } from './process-alive.js';
import { liveGroups, setLiveGroupsListener, signalGroup } from './process-group.js';
import { readRegularFile } from '../fs/read-regular-file.js';

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

function identity(pid: number): ProcessIdentity {
  const start = procStat(pid)?.start;
  return start === undefined ? { pid } : { pid, start };
}

/** True when `recorded` is this very process or another one still running (not a later process given its pid). */
function stillRunning(recorded: ProcessIdentity): boolean {
  if (!isProcessAlive(recorded.pid)) return false;
  const start = procStat(recorded.pid)?.start;
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
  setLiveGroupsListener(write);
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
  // Reaped first: a dead predecessor's ledger with this process's pid is the file this process is about to write.
  const reaped = await reapOrphanedGroups(projectRoot);
  recordProcessGroups(projectRoot);
  for (const { owner, groups } of reaped) {
    observer.logger.warn('killed process groups left running by a process that is gone', { owner_pid: owner, process_groups: groups });
    await observer.audit({ event: 'process.reaped', actor, details: { owner_pid: owner, process_groups: groups } });
  }
}

/**
 * Kills (SIGKILL) the process groups of every ledger in the project whose owner on this host is gone. Repeated until a
 * pass kills nothing: a group killed may itself have owned a ledger (a spawned execute-skill-command).
 */
export async function reapOrphanedGroups(projectRoot: string): Promise<ReapedGroups[]> {
  const reaped: ReapedGroups[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const found = await reapOnce(projectRoot);
    if (found.length === 0) break;
    reaped.push(...found);
    // Give the killed processes a moment to be gone, so their own ledgers show a dead owner.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return reaped;
}

async function reapOnce(projectRoot: string): Promise<ReapedGroups[]> {
  const dir = processGroupsDir(projectRoot);
  const reaped: ReapedGroups[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    // A ledger's temporary file, left by an owner killed between write and rename.
    const tmpOwner = /-(\d+)\.json\.tmp$/.exec(name)?.[1];
    if (tmpOwner !== undefined && name.startsWith(`${hostname()}-`) && !isProcessAlive(Number(tmpOwner))) await unlink(path.join(dir, name)).catch(() => undefined);
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    let ledger: Ledger;
    try {
      ledger = JSON.parse(await readRegularFile(file)) as Ledger;
    } catch {
      continue; // being replaced right now, or not a ledger
    }
    // Our own ledger, or a live owner's, is left alone; a dead predecessor that had our pid is not (start times differ).
    if (ledger.host !== hostname() || stillRunning(ledger.owner)) continue;
    const killed = ledger.groups.filter((group) => {
      // A leader that is gone with its pid reused by another process: that group is not ours to kill.
      const start = procStat(group.pid)?.start;
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
