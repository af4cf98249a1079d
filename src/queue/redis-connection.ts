// How the queue reaches Redis: connection options from the URL (rediss:// is TLS, a password authenticates), a
// reachability check that fails with QUEUE_UNREACHABLE naming the URL without its password, and the masking of that
// password in any message a Redis library produces. bullmq and ioredis load only here and in the queue's own files,
// lazily, so the file transport never loads them.

import { maskRedisUrl } from '../config/redis-url.js';
import { TappsError } from '../errors.js';

/** The ioredis options the queue uses (BullMQ passes them on to ioredis). */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: { servername: string };
  /** null: a command waits for a reconnect instead of failing (what BullMQ wants for workers). */
  maxRetriesPerRequest: null;
}

/** ioredis options for `url`, as BullMQ wants them for workers (no per-request retry limit). */
export function redisOptions(url: string): RedisConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TappsError('CONFIG_INVALID', `queue.url ${JSON.stringify(maskRedisUrl(url))} is not a URL; use redis://host:6379 or rediss://host:6380`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TappsError('CONFIG_INVALID', `queue.url ${JSON.stringify(maskRedisUrl(url))} must start with redis:// or rediss://`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(db === '' ? {} : { db: Number(db) }),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
    maxRetriesPerRequest: null,
  };
}

/** `text` with the URL's password (raw or URL-encoded) replaced by ***, whatever produced it. */
export function maskSecretIn(text: string, url: string): string {
  let password: string;
  try {
    password = new URL(url).password;
  } catch {
    return text;
  }
  if (password === '') return text;
  let masked = text.split(password).join('***');
  const decoded = decodeURIComponent(password);
  if (decoded !== '') masked = masked.split(decoded).join('***');
  return masked;
}

/** What a reachable Redis said about itself. */
export interface RedisServerInfo {
  version: string;
  latencyMs: number;
}

/**
 * Connects once, PINGs and reads the server version, within `timeoutMs`.
 * @throws {TappsError} QUEUE_UNREACHABLE naming the URL (password masked) and what went wrong.
 */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<RedisServerInfo> {
  const options = redisOptions(url);
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // Errors also arrive as events; without a listener ioredis prints them.
  client.on('error', () => undefined);
  const started = Date.now();
  try {
    await withDeadline(client.connect(), timeoutMs);
    await withDeadline(client.ping(), timeoutMs);
    const latencyMs = Date.now() - started;
    const info = await withDeadline(client.info('server'), timeoutMs);
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
    return { version, latencyMs };
  } catch (error) {
    throw unreachable(url, error);
  } finally {
    client.disconnect();
  }
}

/** The QUEUE_UNREACHABLE error for `url`. */
export function unreachable(url: string, error: unknown): TappsError {
  // ioredis ends some messages with a full stop of its own ("Connection is closed.").
  const why = maskSecretIn(error instanceof Error ? error.message : String(error), url).replace(/\.+$/, '') || 'no answer';
  const shown = maskRedisUrl(url);
  return new TappsError(
    'QUEUE_UNREACHABLE',
    `Cannot reach the queue's Redis at ${shown}: ${why}. Start Redis there (e.g. "redis-server --port 6379"), or point queue.url in .tapps-agents/config.yaml or TAPPS_AGENTS_REDIS_URL at a running one.`,
    { details: { url: shown } },
  );
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
