// A queue worker (`background-agent run|start --queue`): takes step jobs of its project's BullMQ queue with the
// concurrency of global.max_parallel_agents, runs each with runStepJob, publishes a heartbeat (host, pid, slots,
// version), stops a job when the executor asks (cancel key: cancellation or the step's timeout), refuses a job that
// does not parse (the job fails, the worker goes on), and stops within a bounded grace on SIGTERM.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { maskRedisUrl } from '../config/redis-url.js';
import { silentObserver, type ExecutionObserver } from '../observability/observer.js';
import { packageVersion } from '../package-files.js';
import { currentWriter } from '../protocol/status-file.js';
import { RUNNER_STOPPING } from '../runner/execute-command-file.js';
import { resolveProjectId } from './project-id.js';
import { cancelKey, queueNameOf } from './queue-names.js';
import { checkRedis, maskSecretIn, redisOptions } from './redis-connection.js';
import { runStepJob } from './run-step-job.js';
import { describeParseError, stepJobSchema, type StepResultInput } from './step-job.js';
import { workerAgentOf, type WorkerAgent } from './worker-agent.js';
import { publishHeartbeat, removeHeartbeat, WORKER_HEARTBEAT_MS } from './worker-registry.js';

/** How a worker is set up. */
export interface QueueWorkerOptions {
  /** The worker's clone of the repository. */
  projectRoot: string;
  /** @default the project's configuration */
  config?: ResolvedConfig;
  /** `--queue URL`. @default queue.url (TAPPS_AGENTS_REDIS_URL) */
  url?: string;
  observer?: ExecutionObserver;
}

/** How often a running job looks for its cancel key. */
const CANCEL_POLL_MS = 500;

/** A queue worker. */
export class QueueWorker {
  readonly id = `worker-${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  private readonly options: QueueWorkerOptions;
  private readonly observer: ExecutionObserver;
  private readonly running = new Map<string, AbortController>();
  private worker: Worker | undefined;
  private client: Redis | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private state: 'running' | 'stopping' | 'stopped' = 'running';
  private readonly startedAt = new Date().toISOString();
  private agent: WorkerAgent | undefined;
  private url = '';
  private prefix = '';
  /** The queue it serves. */
  queueName = '';
  readonly counts = { completed: 0, failed: 0, refused: 0 };

  constructor(options: QueueWorkerOptions) {
    this.options = options;
    this.observer = options.observer ?? silentObserver;
  }

  /** The URL as it may be shown. */
  get shownUrl(): string {
    return maskRedisUrl(this.url);
  }

  /** Step slots. */
  get slots(): { busy: number; free: number } {
    const busy = this.running.size;
    return { busy, free: Math.max(0, (this.agent?.maxParallel ?? 0) - busy) };
  }

  /**
   * Connects and starts taking jobs.
   * @throws {TappsError} QUEUE_UNREACHABLE; CONFIG_INVALID (configuration, or no project identity).
   */
  async start(): Promise<void> {
    const config = this.options.config ?? (await resolveConfig({ projectRoot: this.options.projectRoot }));
    this.url = this.options.url ?? config.queue?.url ?? 'redis://127.0.0.1:6379';
    await checkRedis(this.url);
    const identity = await resolveProjectId(config);
    this.queueName = queueNameOf(identity.id);
    this.prefix = config.queue?.prefix ?? 'tapps-agents';
    const agent = workerAgentOf(config);
    this.agent = agent;
    const { Worker } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const connection = redisOptions(this.url);
    this.client = new Redis(connection);
    this.client.on('error', (error: Error) => this.logError('redis', error));
    const writer = currentWriter(this.id);
    const worker = { id: this.id, host: hostname(), pid: process.pid, version: packageVersion() };
    this.worker = new Worker(
      this.queueName,
      async (job: Job, _token?: string, signal?: AbortSignal): Promise<StepResultInput> => {
        const parsed = stepJobSchema.safeParse(job.data);
        if (!parsed.success) {
          this.counts.refused++;
          const { UnrecoverableError } = await import('bullmq');
          throw new UnrecoverableError(`JOB_INVALID: job ${job.id ?? '?'} does not parse as a step job (${describeParseError(parsed.error)}); the worker refused it`);
        }
        const controller = new AbortController();
        const jobId = job.id ?? '';
        this.running.set(jobId, controller);
        const onAbort = () => controller.abort(RUNNER_STOPPING);
        signal?.addEventListener('abort', onAbort, { once: true });
        const poll = setInterval(() => {
          void this.client?.exists(cancelKey(this.prefix, this.queueName, jobId)).then((found) => {
            if (found === 1) controller.abort('cancelled');
          }, () => undefined);
        }, CANCEL_POLL_MS);
        try {
          const result = await runStepJob(parsed.data, { clone: this.options.projectRoot, config, agent, writer, observer: this.observer, worker, signal: controller.signal });
          if (result.status === 'completed') this.counts.completed++;
          else this.counts.failed++;
          return result;
        } finally {
          clearInterval(poll);
          signal?.removeEventListener('abort', onAbort);
          this.running.delete(jobId);
        }
      },
      {
        connection,
        prefix: this.prefix,
        concurrency: agent.maxParallel,
        lockDuration: config.queue?.lockDurationMs ?? 30_000,
        stalledInterval: config.queue?.stalledIntervalMs ?? 30_000,
        maxStalledCount: config.queue?.maxStalledCount ?? 2,
      },
    );
    this.worker.on('error', (error) => this.logError('worker', error));
    await this.worker.waitUntilReady();
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), WORKER_HEARTBEAT_MS);
    await this.observer.audit({ event: 'runner.started', actor: this.id, details: { pid: process.pid, queue: this.queueName, url: this.shownUrl, concurrency: agent.maxParallel } });
  }

  /**
   * Stops taking jobs; running ones get `graceMs` to finish, then are stopped (their process groups killed) and
   * reported as RUNNER_STOPPED (retryable); resolves when the worker has let go of Redis.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    await this.beat();
    const closing = this.worker?.close() ?? Promise.resolve();
    const graceMs = options.graceMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([closing.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))]);
    clearTimeout(timer);
    if (!inTime) {
      for (const controller of this.running.values()) controller.abort(RUNNER_STOPPING);
      // Their results go back as RUNNER_STOPPED; a Redis that no longer answers must not hold the exit.
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    clearInterval(this.heartbeat);
    this.state = 'stopped';
    if (this.client !== undefined) await removeHeartbeat(this.client, this.prefix, this.queueName, this.id).catch(() => undefined);
    this.client?.disconnect();
    await this.observer.audit({ event: 'runner.stopped', actor: this.id, details: { counts: { ...this.counts } } });
  }

  private async beat(): Promise<void> {
    if (this.client === undefined || this.state === 'stopped') return;
    const { busy, free } = this.slots;
    const now = new Date().toISOString();
    await publishHeartbeat(this.client, this.prefix, this.queueName, {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      version: packageVersion(),
      state: this.state === 'stopping' ? 'stopping' : 'running',
      busy,
      free: this.state === 'stopping' ? 0 : free,
      started_at: this.startedAt,
      heartbeat_at: now,
      project_root: this.options.projectRoot,
    }).catch(() => undefined);
  }

  private logError(what: string, error: Error): void {
    this.observer.logger.warn(`queue ${what} error`, { url: this.shownUrl, error: maskSecretIn(error.message, this.url) });
  }
}
