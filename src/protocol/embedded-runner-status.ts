// `.tapps-agents/runner/embedded/<runner-id>.json`: the status of a runner embedded in a `workflow execute`, with the
// run it serves, so `auto-execution status` can show it. It has the daemon's status format (pid, host, heartbeat,
// state) but lives apart from status.json, which means "the shared background agent" to the dispatch decisions. A
// clean stop removes the file; one left by a killed executor is shown as gone and removed by the next embedded start.

import { readdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { isRecordedProcessAlive } from '../exec/process-alive.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { parseRunnerStatus, runnerDir, type RunnerStatus } from './runner-status.js';
import { readRegularFile } from '../fs/read-regular-file.js';

/** `.tapps-agents/runner/embedded/` of a project. */
export function embeddedRunnersDir(projectRoot: string): string {
  return path.join(runnerDir(projectRoot), 'embedded');
}

function statusFileOf(projectRoot: string, runnerId: string): string {
  return path.join(embeddedRunnersDir(projectRoot), `${runnerId.replace(/[^\w.-]/g, '_')}.json`);
}

/** Writes an embedded runner's status (atomically, no fsync: it is rewritten with every heartbeat). */
export async function writeEmbeddedRunnerStatus(projectRoot: string, status: RunnerStatus): Promise<void> {
  await writeFileAtomically(statusFileOf(projectRoot, status.id), `${JSON.stringify(status, null, 2)}\n`, { durable: false });
}

/** Removes an embedded runner's status (it stopped cleanly). */
export async function removeEmbeddedRunnerStatus(projectRoot: string, runnerId: string): Promise<void> {
  await unlink(statusFileOf(projectRoot, runnerId)).catch(() => undefined);
}

/** The statuses of the project's embedded runners, oldest first; unreadable files are skipped. */
export async function readEmbeddedRunnerStatuses(projectRoot: string): Promise<RunnerStatus[]> {
  const dir = embeddedRunnersDir(projectRoot);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const statuses = await Promise.all(names.map((name) => readRegularFile(path.join(dir, name)).then(parseRunnerStatus, () => undefined)));
  return statuses.filter((status): status is RunnerStatus => status !== undefined).sort((a, b) => a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id));
}

/** Removes the statuses left by embedded runners of this host whose process is gone. */
export async function pruneGoneEmbeddedRunners(projectRoot: string): Promise<void> {
  const gone = (await readEmbeddedRunnerStatuses(projectRoot)).filter((status) => status.host === hostname() && !isRecordedProcessAlive(status.pid, status.pid_start));
  await Promise.all(gone.map((status) => removeEmbeddedRunnerStatus(projectRoot, status.id)));
}
