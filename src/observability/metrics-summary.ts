// `metrics`: totals, success rate, durations (average, p50, p95), retries, status and agent/action breakdowns, and token
// use, streamed over the daily files so memory stays flat however many records there are.

import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HISTOGRAM_RELATIVE_ERROR } from './duration-histogram.js';
import { metricsFilesSince } from './metrics-files.js';
import type { RecordFilter } from './record-filter.js';
import type { MetricsSummary } from './metrics-summary-result.js';
import { SummaryAccumulator, type AccumulatorSnapshot } from './summary-accumulator.js';

export type { AgentActionSummary, MetricsSummary, StatusCounts, UsageSummary } from './metrics-summary-result.js';

/** Accuracy of the duration percentiles, as a fraction. */
export const PERCENTILE_RELATIVE_ERROR = HISTOGRAM_RELATIVE_ERROR;

/** Below this many bytes of metrics, one thread is faster than starting workers. */
const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;

/** Options of {@link summarizeMetrics}. */
export interface SummarizeOptions {
  /** Threads to use at most (the calling one included). @default os.availableParallelism(), at most 4 */
  threads?: number;
  /** Bytes of data per extra thread. @default 64 MiB */
  bytesPerThread?: number;
}

/**
 * Streams every daily file that can match `filter` and aggregates the matching records. Large data sets are split
 * across worker threads by file (balanced by size); each returns a partial aggregate that is merged here.
 */
export async function summarizeMetrics(metricsDir: string, filter: RecordFilter, options: SummarizeOptions = {}): Promise<MetricsSummary> {
  const files = await metricsFilesSince(metricsDir, filter.since);
  const sized = await Promise.all(files.map(async ({ file }) => ({ file, bytes: await stat(file).then((info) => info.size, () => 0) })));
  const totalBytes = sized.reduce((sum, item) => sum + item.bytes, 0);
  const threads = Math.min(options.threads ?? Math.min(availableParallelism(), 4), files.length, Math.ceil(totalBytes / (options.bytesPerThread ?? PARALLEL_MIN_BYTES)));
  const groups = splitBySize(sized, Math.max(1, threads));
  const accumulator = new SummaryAccumulator(filter);
  const [own = [], ...others] = groups;
  // A worker that cannot start (e.g. running from TypeScript sources) leaves its files to this thread.
  const workers = others.map((group) => summarizeInWorker(group, filter).then((snapshot) => ({ snapshot, group }), () => ({ snapshot: undefined, group })));
  for (const file of own) await accumulator.addFile(file);
  for (const { snapshot, group } of await Promise.all(workers)) {
    if (snapshot !== undefined) accumulator.merge(snapshot);
    else for (const file of group) await accumulator.addFile(file);
  }
  return accumulator.result(files.length);
}

/** Splits files into `count` groups of about equal size (largest first, each into the lightest group). */
function splitBySize(files: readonly { file: string; bytes: number }[], count: number): string[][] {
  const groups = Array.from({ length: count }, () => ({ bytes: 0, files: [] as string[] }));
  for (const item of [...files].sort((a, b) => b.bytes - a.bytes)) {
    const lightest = groups.reduce((min, group) => (group.bytes < min.bytes ? group : min));
    lightest.files.push(item.file);
    lightest.bytes += item.bytes;
  }
  return groups.map((group) => group.files);
}

function summarizeInWorker(files: readonly string[], filter: RecordFilter): Promise<AccumulatorSnapshot> {
  const task: SummaryTask = { files: [...files], filter: { ...filter, since: filter.since?.getTime() } };
  return new Promise((resolve, reject) => {
    // A small young generation keeps each worker's memory low: the garbage is short-lived line strings.
    const worker = new Worker(new URL('./metrics-summary-worker.js', import.meta.url), { workerData: task, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    worker.once('message', (snapshot: AccumulatorSnapshot) => resolve(snapshot));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`metrics worker exited with code ${code}`));
    });
  });
}

/** What a worker is asked to aggregate. */
export interface SummaryTask {
  files: string[];
  filter: Omit<RecordFilter, 'since'> & { since: number | undefined };
}
