// One runner per project: a proper-lockfile lock in `.tapps-agents/runner/`. A lock left by a runner that was killed
// is taken over at once when its pid is gone on this host (else after proper-lockfile's staleness period).

import { rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { TappsError } from '../errors.js';
import { isRecordedProcessAlive } from '../exec/process-alive.js';
import { readRunnerStatus, runnerDir } from '../protocol/runner-status.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';

/** Releases the lock. */
export type ReleaseLock = () => Promise<void>;

/**
 * Takes the project's runner lock.
 * @param onCompromised called when the lock was lost (another process removed it).
 * @throws {TappsError} LOCK_HELD when a live runner holds it.
 */
export async function acquireRunnerLock(projectRoot: string, onCompromised: (error: Error) => void): Promise<ReleaseLock> {
  const dir = runnerDir(projectRoot);
  await makeDirectoryInside(dir, 0o700);
  const lockfilePath = path.join(dir, 'runner.lock');
  const options = { realpath: false, lockfilePath, stale: 5000, update: 1000, onCompromised };
  for (let attempt = 0; ; attempt++) {
    try {
      return await lockfile.lock(dir, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = await readRunnerStatus(projectRoot);
      const holderAlive = holder !== undefined && (holder.host !== hostname() || isRecordedProcessAlive(holder.pid, holder.pid_start));
      if (holder !== undefined && holderAlive) {
        throw new TappsError(
          'LOCK_HELD',
          `A background agent is already running for this project (pid ${holder.pid} on ${holder.host}, started ${holder.started_at}). Stop it with "tapps-agents background-agent stop".`,
          { details: { pid: holder.pid, host: holder.host } },
        );
      }
      const age = await stat(lockfilePath).then((info) => Date.now() - info.mtimeMs, () => Infinity);
      // The holder named in status.json is dead: its lock is no longer refreshed, so take it over. A lock refreshed
      // in the last 1.5 s belongs to a runner that has not written its status yet: wait for it instead.
      if (holder !== undefined && age > 1500) await rm(lockfilePath, { recursive: true, force: true });
      else if (attempt >= 30) throw new TappsError('LOCK_HELD', `The runner lock ${lockfilePath} is held by a process that does not answer. If no background agent is running, remove that directory.`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
