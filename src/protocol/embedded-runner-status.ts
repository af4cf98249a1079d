// `.tapps-agents/runner/embedded/<runner-id>.json`: the status of a runner embedded in a `workflow execute`, with the
// run it serves, so `auto-execution status` can show it. It has the daemon's status format (pid, host, heartbeat,
// state) but lives apart from status.json, which means "the shared background agent" to the dispatch decisions. A
// clean stop removes the file; one left by a killed executor is shown as gone and removed by the next embedded start.

import { readdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { isRecordedProcessAlive } from '../exec/process-alive.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { readRunnerStatusFile, runnerDir, type RunnerStatus, type RunnerStatusFileReading } from './runner-status.js';

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

/** The statuses of the project's embedded runners, oldest first; unusable files are skipped. */
export async function readEmbeddedRunnerStatuses(projectRoot: string): Promise<RunnerStatus[]> {
  return (await readEmbeddedRunnerFiles(projectRoot)).flatMap((reading) => (reading.kind === 'usable' ? [reading.status] : []));
}

/**
 * Every embedded runner's status file, for observers: the usable ones oldest first, then the unusable ones (with why)
 * by name. A file removed while the directory is read (its runner stopped cleanly) is left out.
 */
export async function readEmbeddedRunnerFiles(projectRoot: string): Promise<RunnerStatusFileReading[]> {
  const dir = embeddedRunnersDir(projectRoot);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const readings = await Promise.all(names.map((name) => readRunnerStatusFile(path.join(dir, name))));
  const usable = readings.filter((reading) => reading.kind === 'usable');
  usable.sort((a, b) => a.status.started_at.localeCompare(b.status.started_at) || a.status.id.localeCompare(b.status.id));
  return [...usable, ...readings.filter((reading) => reading.kind === 'unusable')];
}

/** Removes the statuses left by embedded runners of this host whose process is gone. */
export async function pruneGoneEmbeddedRunners(projectRoot: string): Promise<void> {
  const gone = (await readEmbeddedRunnerStatuses(projectRoot)).filter((status) => status.host === hostname() && !isRecordedProcessAlive(status.pid, status.pid_start));
  await Promise.all(gone.map((status) => removeEmbeddedRunnerStatus(projectRoot, status.id)));
}
