// The queue's health checks (PRODUCT.md §10 "One view"): Redis answers (and its version), the project's queue can be
// read (its depth), and at least one worker is live. Only for a project that uses or names a queue: on the file
// transport with no queue configured there are no such checks, so nothing changes for it. URLs are shown masked.

import { queueIsConfigured } from '../config/queue-configured.js';
import { maskRedisUrl } from '../config/redis-url.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { TappsError } from '../errors.js';
import type { HealthCheck } from './health-check.js';

/**
 * The queue checks of a project whose configuration resolved (`config`); none when it did not (the configuration check
 * reports why) or when it neither uses nor names a queue. Redis unreachable is one unhealthy check: the others depend on it.
 */
export async function checkQueue(config: ResolvedConfig | undefined): Promise<HealthCheck[]> {
  if (config === undefined || !queueIsConfigured(config)) return [];
  // bullmq and ioredis load only for a project with a queue.
  const { checkRedis } = await import('../queue/redis-connection.js');
  const { queueUrlOf } = await import('../config/queue-configured.js');
  const { readQueueOverview, startWorkerCommand } = await import('../queue/queue-overview.js');
  const url = queueUrlOf(config);
  const shown = maskRedisUrl(url);
  let server;
  try {
    server = await checkRedis(url, 3000);
  } catch (error) {
    if (!TappsError.is(error)) throw error;
    return [{ name: 'redis', status: 'unhealthy', message: error.message, fix: `start Redis at ${shown}, or set queue.url (or TAPPS_AGENTS_REDIS_URL) to a running one`, details: { url: shown } }];
  }
  const redis: HealthCheck = { name: 'redis', status: 'healthy', message: `Redis ${server.version} at ${shown} answers (${server.latencyMs} ms)`, details: { url: shown, version: server.version, latency_ms: server.latencyMs } };
  let overview;
  try {
    overview = await readQueueOverview(config);
  } catch (error) {
    if (!TappsError.is(error)) throw error;
    const fix = error.code === 'CONFIG_INVALID' ? 'set project.id in .tapps-agents/config.yaml (the same on every machine)' : `check Redis at ${shown}`;
    return [redis, { name: 'queue', status: 'unhealthy', message: error.message, fix, details: { url: shown } }];
  }
  const { waiting, active, delayed } = overview.depth;
  const queue: HealthCheck = {
    name: 'queue',
    status: 'healthy',
    message: `queue ${overview.queue} (prefix ${overview.prefix}): ${waiting} waiting, ${active} active, ${delayed} delayed`,
    details: { queue: overview.queue, prefix: overview.prefix, depth: overview.depth },
  };
  const live = overview.workers.filter((worker) => worker.state === 'running');
  if (live.length === 0) {
    const stopping = overview.workers.length - live.length;
    const message = `no live worker takes jobs of queue ${overview.queue}${stopping === 0 ? '' : ` (${stopping} stopping)`}${waiting === 0 ? '' : `; ${waiting} waiting`}`;
    return [redis, queue, { name: 'queue_workers', status: 'degraded', message, fix: `start one on a machine with a clone of the repository: ${startWorkerCommand(config)}`, details: { workers: overview.workers.length } }];
  }
  const free = live.reduce((sum, worker) => sum + worker.free, 0);
  const busy = live.reduce((sum, worker) => sum + worker.busy, 0);
  const hosts = new Set(live.map((worker) => worker.host)).size;
  const workers: HealthCheck = {
    name: 'queue_workers',
    status: 'healthy',
    message: `${live.length} live ${live.length === 1 ? 'worker' : 'workers'} on ${hosts} ${hosts === 1 ? 'host' : 'hosts'} (${busy} busy, ${free} free slots)`,
    details: { workers: live.map((worker) => ({ host: worker.host, pid: worker.pid, version: worker.version, busy: worker.busy, free: worker.free })) },
  };
  return [redis, queue, workers];
}
