// `tapps-agents background-agent run --queue [URL]` (foreground) and `start --queue [URL]` (detached): a queue
// worker serving this clone's project from Redis (docs/scale-out.md).

import type { Command } from 'commander';
import { maskRedisUrl } from '../../config/redis-url.js';
import { resolveConfig } from '../../config/resolve.js';
import { createObserver } from '../../observability/create-observer.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, printJson, printLines } from '../output.js';

/** `--queue` alone (true) or with a URL. */
export type QueueFlag = boolean | string;

function urlOf(flag: QueueFlag): string | undefined {
  return typeof flag === 'string' ? flag : undefined;
}

/** `background-agent run --queue [URL]`: the worker in the foreground until SIGINT/SIGTERM. */
export async function runQueueWorkerCommand(options: { queue: QueueFlag; grace?: number; logFile?: string }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const config = await resolveConfig({ projectRoot });
  const { QueueWorker } = await import('../../queue/queue-worker.js');
  const { removeLocalWorker, writeLocalWorker } = await import('../../queue/worker-daemon.js');
  const url = urlOf(options.queue);
  const worker = new QueueWorker({ projectRoot, config, ...(url === undefined ? {} : { url }), observer: createObserver(projectRoot, config, { actor: 'runner' }) });
  await worker.start();
  const local = { pid: process.pid, id: worker.id, queue: worker.queueName, url: worker.shownUrl, started_at: new Date().toISOString(), ...(options.logFile === undefined ? {} : { log_file: options.logFile }) };
  await writeLocalWorker(projectRoot, { ...local, state: 'running' });
  printLines(`Queue worker running (pid ${process.pid}) for ${projectRoot}`, `Queue: ${worker.queueName} at ${worker.shownUrl} (${worker.slots.free} slots)`, 'Stop it with Ctrl-C or SIGTERM.');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const graceMs = options.grace ?? 10_000;
  printLines(`Stopping (${signal}): no new steps are taken; running steps get ${graceMs / 1000}s to finish.`);
  await writeLocalWorker(projectRoot, { ...local, state: 'stopping' }).catch(() => undefined);
  await worker.stop({ graceMs });
  await removeLocalWorker(projectRoot, process.pid);
  printLines(`Queue worker stopped (${worker.counts.completed} steps completed, ${worker.counts.failed} failed, ${worker.counts.refused} jobs refused).`);
  return EXIT.OK;
}

/** `background-agent start --queue [URL]`: a worker detached; returns once it takes jobs. */
export async function startQueueWorkerCommand(options: { queue: QueueFlag; json?: boolean }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const { startWorkerDaemon, workerLogFile } = await import('../../queue/worker-daemon.js');
  const url = urlOf(options.queue);
  const started = await startWorkerDaemon(projectRoot, url === undefined ? {} : { url });
  if (options.json === true) printJson({ pid: started.pid, queue: started.queue, url: started.url, log_file: workerLogFile(projectRoot) });
  else printLines(`${colour.ok('✓')} Queue worker started (pid ${started.pid})`, `Queue: ${started.queue} at ${maskRedisUrl(started.url)}`, `Log: ${workerLogFile(projectRoot)}`, `Stop it with: kill ${started.pid}`);
  return EXIT.OK;
}
