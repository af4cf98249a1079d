// Redis for queue tests: the machine's server on 127.0.0.1:6379 with a key prefix of each test's own (removed after
// it), or a private redis-server on a free port that a test may kill and start again (the Redis-restart test).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { onTestFinished } from 'vitest';

/** The shared test Redis. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** A key prefix no other test uses; its keys are deleted when the test ends. */
export function uniquePrefix(name: string, url = REDIS_URL): string {
  const prefix = `tapps-test-${name}-${process.pid}-${randomBytes(4).toString('hex')}`;
  onTestFinished(() => deleteKeys(url, prefix));
  return prefix;
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } catch {
    // A private server already stopped: nothing to clean.
  } finally {
    client.disconnect();
  }
}

/** A redis-server of this test's own, keeping nothing on disk. */
export interface PrivateRedis {
  port: number;
  url: string;
  /** kill -9 of this server only (by its pid). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/** Starts `redis-server --port <free> --save "" --appendonly no`; stopped when the test ends. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const url = `redis://127.0.0.1:${port}`;
    const { checkRedis } = await import('../../src/queue/redis-connection.js');
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await checkRedis(url, 1000);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  const kill = async () => {
    const running = child;
    if (running?.pid === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(running.pid, 'SIGKILL');
    await exited;
  };
  await start();
  onTestFinished(kill);
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: start };
}
