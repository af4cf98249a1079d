// Process groups: signalling a whole group, and the groups this process started and has not yet seen end — killed
// if this process exits first, so a crash or Ctrl-C of the executor or runner never leaves steps running unowned.

/** Sends a signal to a whole process group; a group that is already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Process-group ids of live children. */
export const liveGroups = new Set<number>();

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
  liveGroups.clear();
}

/** Installs an exit hook that kills live groups; the CLI calls this once at start. */
export function killLiveGroupsOnExit(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killLiveGroups);
}
