// Worker thread of `metrics`: aggregates its share of the daily files and posts the partial aggregate back.

import { parentPort, workerData } from 'node:worker_threads';
import type { SummaryTask } from './metrics-summary.js';
import { SummaryAccumulator } from './summary-accumulator.js';

const task = workerData as SummaryTask;
const { since, ...rest } = task.filter;
const accumulator = new SummaryAccumulator(since === undefined ? rest : { ...rest, since: new Date(since) });
for (const file of task.files) await accumulator.addFile(file);
parentPort?.postMessage(accumulator.snapshot());
