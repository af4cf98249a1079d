// What the project's queue looks like now, for `auto-execution status` and `health` (PRODUCT.md §10 "One view"):
// the Redis server's version, the queue's depth (waiting, active, delayed jobs) and its live workers from their
// heartbeats. Read with a client that gives up quickly, so a status or health check never hangs on a Redis that went
// away; the URL is only ever shown masked.

import { queueUrlOf } from '../config/queue-configured.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { maskRedisUrl } from '../config/redis-url.js';
import { resolveProjectId } from './project-id.js';
import { queueNameOf } from './queue-names.js';
import { checkRedis, redisOptions, unreachable } from './redis-connection.js';
import { listLiveWorkers, type WorkerHeartbeat } from './worker-registry.js';

/** Jobs of the queue by state. */
export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
}

/** The project's queue as it is now. */
export interface QueueOverview {
  /** queue.url, password masked. */
  url: string;
  prefix: string;
  queue: string;
  redis_version: string;
  depth: QueueDepth;
  /** Workers whose heartbeat has not expired, by host and pid. */
  workers: WorkerHeartbeat[];
}

/**
 * Reads the queue's overview within about `timeoutMs`.
 * @throws {TappsError} QUEUE_UNREACHABLE naming the URL (password masked); CONFIG_INVALID without a project identity.
 */
export async function readQueueOverview(config: ResolvedConfig, options: { timeoutMs?: number } = {}): Promise<QueueOverview> {
  const url = queueUrlOf(config);
  const timeoutMs = options.timeoutMs ?? 3000;
  const server = await checkRedis(url, timeoutMs);
  const identity = await resolveProjectId(config);
  const prefix = config.queue?.prefix ?? 'tapps-agents';
  const name = queueNameOf(identity.id);
  const [{ Queue }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
  // One attempt per command and no offline queue: an answer or an error, never a wait for a reconnect.
  const client = new Redis({ ...redisOptions(url), maxRetriesPerRequest: 1, connectTimeout: timeoutMs, enableOfflineQueue: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  const queue = new Queue(name, { connection: client, prefix });
  queue.on('error', () => undefined);
  try {
    const [counts, workers] = await Promise.all([queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed'), listLiveWorkers(client, prefix, name)]);
    return {
      url: maskRedisUrl(url),
      prefix,
      queue: name,
      redis_version: server.version,
      depth: { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, delayed: counts.delayed ?? 0 },
      workers,
    };
  } catch (error) {
    throw unreachable(url, error);
  } finally {
    await queue.close().catch(() => undefined);
    client.disconnect();
  }
}

/**
 * How to start a worker for this queue, as a user would type it on a machine with a clone. The URL goes on the command
 * line only without a password; a URL with one is left to that machine's TAPPS_AGENTS_REDIS_URL or queue.url, which
 * `--queue` alone reads (a command line shows in `ps` and shell history).
 */
export function startWorkerCommand(config: Pick<ResolvedConfig, 'queue'>): string {
  const url = queueUrlOf(config);
  if (!hasPassword(url)) return `tapps-agents background-agent start --queue ${url}`;
  return `tapps-agents background-agent start --queue (with TAPPS_AGENTS_REDIS_URL or queue.url giving ${maskRedisUrl(url)} and its password there)`;
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return maskRedisUrl(url) !== url;
  }
}
