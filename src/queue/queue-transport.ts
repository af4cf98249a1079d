// The `queue` transport, executor side (PRODUCT.md §10): one BullMQ job per attempt with a deterministic id (a
// duplicate add is a no-op, so a resumed executor adopts a job that runs or finished), completion through QueueEvents
// with a periodic look at the job as the fallback (it also notices a job lost with a Redis restart and enqueues the
// attempt again), the step's deadline enforced here and carried to the worker, cancellation through a cancel key the
// worker polls, exactly one completion accepted per attempt, and the worker's changes applied to the step directory.

import { hostname } from 'node:os';
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../config/resolve.js';
import { maskRedisUrl } from '../config/redis-url.js';
import { formatDuration } from '../config/duration.js';
import { silentObserver, type ExecutionObserver } from '../observability/observer.js';
import { stepError, type StepError } from '../step-errors.js';
import { setLongTimeout } from '../time/long-timeout.js';
import type { AttemptOutcome, StepAttempt, Transport } from '../transport/transport.js';
import { buildStepJob } from './build-step-job.js';
import { outcomeOfResult } from './job-outcome.js';
import { resolveProjectId } from './project-id.js';
import { cancelKey, jobIdOf, queueNameOf } from './queue-names.js';
import { checkRedis, maskSecretIn, redisOptions } from './redis-connection.js';

/** How the queue transport is set up. */
export interface QueueTransportOptions {
  projectRoot: string;
  config: ResolvedConfig;
  observer?: ExecutionObserver;
  /** @default queue.url */
  url?: string;
  /** How often a waiting attempt looks at its job (missed events, a lost job). @default 2 s */
  checkIntervalMs?: number;
}

/** Finished jobs stay this long, so an executor resumed later still finds its results. */
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;
/** Cancel requests outlive any step they could concern. */
const CANCEL_KEY_TTL_SECONDS = 24 * 3600;

type Settle = (event: { kind: 'completed'; value: unknown } | { kind: 'failed'; reason: string }) => void;

/**
 * Connects to Redis and opens the project's queue.
 * @throws {TappsError} QUEUE_UNREACHABLE naming the URL (password masked); CONFIG_INVALID without a project identity.
 */
export async function openQueueTransport(options: QueueTransportOptions): Promise<QueueTransport> {
  const url = options.url ?? options.config.queue?.url ?? 'redis://127.0.0.1:6379';
  await checkRedis(url);
  const identity = await resolveProjectId(options.config);
  const { Queue, QueueEvents } = await import('bullmq');
  const connection = redisOptions(url);
  const prefix = options.config.queue?.prefix ?? 'tapps-agents';
  const name = queueNameOf(identity.id);
  const { Redis } = await import('ioredis');
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  const client = new Redis(connection);
  const transport = new QueueTransport(options, { url, prefix, queue, events, client });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return transport;
}

/** The queue transport. */
export class QueueTransport implements Transport {
  readonly kind = 'queue';
  readonly queue: Queue;
  private readonly options: QueueTransportOptions;
  private readonly url: string;
  private readonly prefix: string;
  private readonly events: QueueEvents;
  /** For the keys beside the queue (cancel requests). */
  private readonly client: Redis;
  private readonly observer: ExecutionObserver;
  private readonly waiters = new Map<string, Settle>();

  constructor(options: QueueTransportOptions, parts: { url: string; prefix: string; queue: Queue; events: QueueEvents; client: Redis }) {
    this.options = options;
    this.url = parts.url;
    this.prefix = parts.prefix;
    this.queue = parts.queue;
    this.events = parts.events;
    this.client = parts.client;
    const { url, queue, events } = parts;
    this.observer = options.observer ?? silentObserver;
    const log = (error: Error) => this.observer.logger.warn('queue connection error', { url: maskRedisUrl(url), error: maskSecretIn(error.message, url) });
    queue.on('error', log);
    events.on('error', log);
    this.client.on('error', log);
    events.on('completed', ({ jobId, returnvalue }) => this.waiters.get(jobId)?.({ kind: 'completed', value: returnvalue }));
    events.on('failed', ({ jobId, failedReason }) => this.waiters.get(jobId)?.({ kind: 'failed', reason: failedReason }));
  }

  async run(attempt: StepAttempt, signal: AbortSignal): Promise<AttemptOutcome> {
    const startedAt = new Date().toISOString();
    const startMs = Date.now();
    const jobId = jobIdOf(attempt.correlation);
    const ids = idsOf(attempt);
    const end = (outcome: Omit<AttemptOutcome, 'startedAt' | 'completedAt'> & { startedAt?: string; completedAt?: string }): AttemptOutcome => ({ startedAt, completedAt: new Date().toISOString(), ...outcome });
    let built: Awaited<ReturnType<typeof buildStepJob>>;
    try {
      built = await buildStepJob(attempt, { projectId: this.queue.name.replace(/^steps\./, ''), maxBytes: this.options.config.queue?.maxChangesBytes ?? Number.MAX_SAFE_INTEGER, traceparent: this.observer.traceparent?.(attempt.correlation) });
    } catch (error) {
      return end({ status: 'failed', outputs: {}, artifacts: [], error: errorOf(error) });
    }

    return new Promise<AttemptOutcome>((resolve) => {
      let finished = false;
      let checking = false;
      /** Takes the attempt's one outcome: whatever arrives later (a duplicate event, a late result) is ignored. */
      const accept = (outcome: AttemptOutcome | Promise<AttemptOutcome>) => {
        if (finished) return;
        finished = true;
        this.waiters.delete(jobId);
        clearInterval(poll);
        deadline.clear();
        signal.removeEventListener('abort', onAbort);
        void Promise.resolve(outcome).then(resolve);
      };
      const settle: Settle = (event) => {
        if (finished) return;
        if (event.kind === 'completed') {
          accept(outcomeOfResult(event.value, attempt, startMs, this.options.config, this.observer));
          return;
        }
        const invalid = event.reason.startsWith('JOB_INVALID');
        accept(end({ status: 'failed', outputs: {}, artifacts: [], error: stepError(invalid ? 'JOB_INVALID' : 'WORKER_LOST', `The queue job ${jobId} failed outside the skill: ${event.reason}`) }));
      };
      this.waiters.set(jobId, settle);

      /** Looks at the job: finished (an event missed), running, or gone (Redis lost it): enqueued again. */
      const look = async (first: boolean): Promise<void> => {
        if (finished || checking) return;
        checking = true;
        try {
          const job: Job | undefined = await this.queue.getJob(jobId);
          if (finished) return;
          if (job === undefined) {
            await this.queue.add('step', built.job, { jobId, attempts: 1, removeOnComplete: { age: KEEP_FINISHED_SECONDS }, removeOnFail: { age: KEEP_FINISHED_SECONDS } });
            await this.observer.audit({ event: first ? 'queue.enqueued' : 'queue.requeued', ...ids, actor: 'executor', details: { job_id: jobId, queue: this.queue.name, base_commit: built.job.base_commit } });
            if (!first) this.observer.logger.warn('queue job lost (Redis restarted or flushed): enqueued again', { job_id: jobId });
            return;
          }
          const state = await job.getState();
          if (first) await this.observer.audit({ event: 'queue.adopted', ...ids, actor: 'executor', details: { job_id: jobId, state } });
          if (state === 'completed') settle({ kind: 'completed', value: job.returnvalue });
          else if (state === 'failed') settle({ kind: 'failed', reason: job.failedReason });
        } catch (error) {
          // Redis away for a moment: the next look tries again.
          this.observer.logger.warn('could not look at a queue job', { job_id: jobId, error: maskSecretIn(String(error), this.url) });
        } finally {
          checking = false;
        }
      };
      const poll = setInterval(() => void look(false), this.options.checkIntervalMs ?? 2000);
      const stopRemote = async () => {
        await this.requestCancel(jobId);
        // A job no worker took yet is simply taken back.
        const job = await this.queue.getJob(jobId).catch(() => undefined);
        if (job !== undefined && (await job.getState().catch(() => 'unknown')) === 'waiting') await job.remove().catch(() => undefined);
      };
      const deadline = setLongTimeout(() => {
        void stopRemote().finally(() =>
          accept(end({ status: 'timeout', outputs: {}, artifacts: [], error: stepError('TIMEOUT', `Step did not finish within ${formatDuration(attempt.timeoutMs)} (queue job ${jobId}); its worker was asked to stop it`) })),
        );
      }, attempt.timeoutMs);
      const onAbort = () => {
        void stopRemote().finally(() => accept(end({ status: 'cancelled', outputs: {}, artifacts: [], error: { code: 'CANCELLED', message: 'Step was cancelled', retryable: false } })));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      void look(true);
    });
  }

  /** Asks the worker running `jobId` to stop it (it polls the key). */
  private async requestCancel(jobId: string): Promise<void> {
    await this.client.set(cancelKey(this.prefix, this.queue.name, jobId), new Date().toISOString(), 'EX', CANCEL_KEY_TTL_SECONDS).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.client.disconnect();
  }
}

function idsOf(attempt: StepAttempt) {
  const { workflow_id, run_id, step_id, attempt: number } = attempt.correlation;
  return { workflow_id, run_id, step_id, attempt: number };
}

function errorOf(error: unknown): StepError {
  if (typeof error === 'object' && error !== null && 'stepError' in error) return (error as { stepError: StepError }).stepError;
  return stepError('FAILED', error instanceof Error ? error.message : String(error));
}

/** Where the executor is, for the job (a worker shows whom it serves). */
export function executorOf(): { host: string; pid: number } {
  return { host: hostname(), pid: process.pid };
}
