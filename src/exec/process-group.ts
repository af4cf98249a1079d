// Process groups: signalling a whole group, and the groups this process started and has not yet seen end — killed
// if this process exits first, so a crash or Ctrl-C of the executor or runner never leaves steps running unowned.
// A SIGKILL runs no exit hook: for that, the live groups are also written to a ledger (see orphan-groups.ts).

import { onExit } from 'signal-exit';

/** Sends a signal to a whole process group; a group that is already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Process-group ids of live children. Change it through `trackGroup` and `untrackGroup` only. */
export const liveGroups: ReadonlySet<number> = new Set<number>();

let onChange: ((groups: ReadonlySet<number>) => void) | undefined;

/** Called with the live groups after every change (the ledger's writer); one listener per process. */
export function setLiveGroupsListener(listener: ((groups: ReadonlySet<number>) => void) | undefined): void {
  onChange = listener;
}

/** Records a group this process started. */
export function trackGroup(pgid: number): void {
  (liveGroups as Set<number>).add(pgid);
  onChange?.(liveGroups);
}

/** Forgets a group that has ended. */
export function untrackGroup(pgid: number): void {
  if ((liveGroups as Set<number>).delete(pgid)) onChange?.(liveGroups);
}

let installed = false;

/** Kills every live group (SIGKILL). Safe to call more than once. */
export function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      signalGroup(pid, 'SIGKILL');
    } catch {
      // Not ours any more (EPERM): nothing to do.
    }
  }
  (liveGroups as Set<number>).clear();
  onChange?.(liveGroups);
}

/**
 * Installs an exit hook that kills live groups, once per process: the CLI at start, `executeWorkflow` and
 * `resumeWorkflow` for an embedding program. signal-exit also runs it when the process dies of SIGINT, SIGTERM or
 * SIGHUP with no handler of its own for that signal (a plain `exit` listener would not run then).
 */
export function killLiveGroupsOnExit(): void {
  if (installed) return;
  installed = true;
  onExit(() => killLiveGroups());
}
