// Live queue workers, as each publishes itself: a heartbeat key per worker that expires on its own when the worker
// dies (no clean-up needed), read by `auto-execution status` and `health` (PRODUCT.md §10 "One view").

import type { Redis } from 'ioredis';
import { workerKey, workerKeyPattern } from './queue-names.js';

/** What one worker says about itself. */
export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  version: string;
  state: 'running' | 'stopping';
  busy: number;
  free: number;
  started_at: string;
  heartbeat_at: string;
  /** The worker's clone. */
  project_root: string;
}

/** How long a heartbeat counts after it was written: three missed beats. */
export const WORKER_HEARTBEAT_MS = 2000;
export const WORKER_HEARTBEAT_TTL_MS = 3 * WORKER_HEARTBEAT_MS;

/** Publishes (or refreshes) a worker's heartbeat. */
export async function publishHeartbeat(client: Redis, prefix: string, queueName: string, heartbeat: WorkerHeartbeat): Promise<void> {
  await client.set(workerKey(prefix, queueName, heartbeat.id), JSON.stringify(heartbeat), 'PX', WORKER_HEARTBEAT_TTL_MS);
}

/** Removes a worker's heartbeat (it stopped). */
export async function removeHeartbeat(client: Redis, prefix: string, queueName: string, workerId: string): Promise<void> {
  await client.del(workerKey(prefix, queueName, workerId));
}

/** The workers whose heartbeat has not expired, by host and pid. */
export async function listLiveWorkers(client: Redis, prefix: string, queueName: string): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', workerKeyPattern(prefix, queueName), 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await client.mget(...keys);
  const workers = values.flatMap((value) => {
    if (value === null) return [];
    try {
      return [JSON.parse(value) as WorkerHeartbeat];
    } catch {
      return [];
    }
  });
  return workers.sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
}
