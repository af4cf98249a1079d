// `background-agent start --queue`: a queue worker started detached, with its log under .tapps-agents/queue/, and a
// local file per worker (pid, queue, state) that tells `start` it is ready. The URL reaches the child through
// TAPPS_AGENTS_REDIS_URL, never its argv (which `ps` shows to every user).

import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULTS } from '../config/defaults.js';
import { TappsError } from '../errors.js';
import { isProcessAlive } from '../exec/process-alive.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import { exitedAtStartMessage, startDetachedCli } from '../runner/start-detached-cli.js';

/** What a running worker leaves in its clone. */
export interface LocalWorkerFile {
  pid: number;
  id: string;
  queue: string;
  url: string;
  state: 'running' | 'stopping';
  started_at: string;
  log_file?: string;
}

/** The exit code of a worker that could not reach Redis (EXIT.QUEUE_UNREACHABLE, docs/cli.md). */
const QUEUE_UNREACHABLE_EXIT = 69;

function workersDir(projectRoot: string): string {
  return path.join(projectRoot, '.tapps-agents', 'queue', 'workers');
}

/** The worker's log file. */
export function workerLogFile(projectRoot: string): string {
  return path.join(projectRoot, '.tapps-agents', 'queue', 'worker.log');
}

/** Writes this worker's local file. */
export async function writeLocalWorker(projectRoot: string, file: LocalWorkerFile): Promise<void> {
  await makeDirectoryInside(workersDir(projectRoot), 0o700, projectRoot);
  await writeFileAtomically(path.join(workersDir(projectRoot), `${file.pid}.json`), `${JSON.stringify(file, null, 2)}\n`);
}

/** Removes this worker's local file. */
export async function removeLocalWorker(projectRoot: string, pid: number): Promise<void> {
  await rm(path.join(workersDir(projectRoot), `${pid}.json`), { force: true });
}

/** The workers of this clone that are alive (files of dead ones are removed). */
export async function localWorkers(projectRoot: string): Promise<LocalWorkerFile[]> {
  const names = await readdir(workersDir(projectRoot)).catch(() => [] as string[]);
  const found: LocalWorkerFile[] = [];
  for (const name of names.filter((entry) => entry.endsWith('.json'))) {
    const file = await readRegularFile(path.join(workersDir(projectRoot), name)).then((text) => JSON.parse(text) as LocalWorkerFile, () => undefined);
    if (file !== undefined && isProcessAlive(file.pid)) found.push(file);
    else await rm(path.join(workersDir(projectRoot), name), { force: true });
  }
  return found;
}

/**
 * Starts a worker detached and resolves once it is taking jobs.
 * @throws {TappsError} QUEUE_UNREACHABLE when it cannot reach Redis; CONFLICT when it exits at start; TIMEOUT.
 */
export async function startWorkerDaemon(projectRoot: string, options: { url?: string; timeoutMs?: number } = {}): Promise<LocalWorkerFile> {
  const logFile = workerLogFile(projectRoot);
  return startDetachedCli({
    projectRoot,
    args: ['background-agent', 'run', '--queue', '--log-file', logFile],
    logFile,
    env: { ...process.env, ...(options.url === undefined ? {} : { [DEFAULTS.queue.urlVariable]: options.url }) },
    name: 'queue worker',
    timeoutMs: options.timeoutMs ?? 30_000,
    pollMs: 50,
    ready: async (pid) => {
      const mine = (await localWorkers(projectRoot)).find((worker) => worker.pid === pid);
      return mine?.state === 'running' ? mine : undefined;
    },
    exitedAtStart: (code, _pid, tail) => Promise.reject(new TappsError(code === QUEUE_UNREACHABLE_EXIT ? 'QUEUE_UNREACHABLE' : 'CONFLICT', exitedAtStartMessage('queue worker', code, tail))),
  });
}
