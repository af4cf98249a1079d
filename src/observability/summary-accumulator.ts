// Aggregates metrics lines into a summary in constant memory; partial aggregates from worker threads merge into one.

import { DurationHistogram, type HistogramSnapshot } from './duration-histogram.js';
import { roundMs, Tally, type TallyData } from './execution-tally.js';
import { LineBlockReader } from './jsonl-forward.js';
import type { AgentActionSummary, MetricsSummary, UsageSummary, WorkerSummary } from './metrics-summary-result.js';
import { matchesFilter, type RecordFilter } from './record-filter.js';
import { TimeSeries, type TimeSeriesSnapshot } from './time-series.js';
import { UsageTally } from './usage-tally.js';
import { readSummaryFields, type SummaryFields } from './summary-fields.js';
import path from 'node:path';

/** A partial aggregate as plain data, to send between threads. */
export interface AccumulatorSnapshot {
  all: TallyData;
  byAgentAction: [string, string, TallyData, UsageSummary][];
  byWorker: [string, number, TallyData][];
  histogram: HistogramSnapshot;
  usage: UsageSummary;
  retries: number;
  first: string | null;
  last: string | null;
  unreadable: Record<string, number>;
  overTime: TimeSeriesSnapshot;
}

/** The counts and token use of one agent/action pair. */
interface PairTally {
  tally: Tally;
  usage: UsageTally;
}

/** Adds records (or other accumulators' snapshots) and produces the summary. */
export class SummaryAccumulator {
  #all = new Tally();
  #histogram = new DurationHistogram();
  // agent → action → counts and usage (nested maps: no key string to build per record).
  #byAgentAction = new Map<string, Map<string, PairTally>>();
  // host → pid → tally, for attempts a queue worker ran.
  #byWorker = new Map<string, Map<number, Tally>>();
  #usage = new UsageTally();
  #retries = 0;
  #first: string | null = null;
  #last: string | null = null;
  #unreadable: Record<string, number> = {};
  #overTime = new TimeSeries();
  readonly #filter: RecordFilter;
  readonly #reader = new LineBlockReader();

  constructor(filter: RecordFilter) {
    this.#filter = filter;
  }

  /** Streams one daily file into the aggregate. */
  async addFile(file: string): Promise<void> {
    const name = path.basename(file);
    const line = (text: string, start: number, end: number) => {
      if (end <= start) return;
      const record = readSummaryFields(text, start, end);
      if (record === undefined) {
        if (text.slice(start, end).trim() !== '') this.#unreadable[name] = (this.#unreadable[name] ?? 0) + 1;
      } else if (matchesFilter(record, this.#filter)) {
        this.#add(record);
      }
    };
    await this.#reader.read(file, {
      onBlock(text) {
        let start = 0;
        for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
          line(text, start, newline);
          start = newline + 1;
        }
      },
      onTornLine: (text) => line(text, 0, text.length),
    });
  }

  #add(record: SummaryFields): void {
    this.#all.add(record);
    if (record.status !== 'skipped') this.#histogram.add(record.duration_ms);
    // An attempt with retry_count > 0 is one retry performed (summing retry_count would count attempt 3 as two).
    if (record.retry_count > 0) this.#retries += 1;
    const pair = this.#pair(record.agent, record.action);
    pair.tally.add(record);
    pair.usage.add(record.usage);
    if (record.worker !== undefined) this.#workerTally(record.worker.host, record.worker.pid).add(record);
    this.#overTime.add(record);
    this.#usage.add(record.usage);
    if (this.#first === null || record.completed_at < this.#first) this.#first = record.completed_at;
    if (this.#last === null || record.completed_at > this.#last) this.#last = record.completed_at;
  }

  #pair(agent: string, action: string): PairTally {
    let actions = this.#byAgentAction.get(agent);
    if (actions === undefined) this.#byAgentAction.set(agent, (actions = new Map<string, PairTally>()));
    let pair = actions.get(action);
    if (pair === undefined) actions.set(action, (pair = { tally: new Tally(), usage: new UsageTally() }));
    return pair;
  }

  #workerTally(host: string, pid: number): Tally {
    let pids = this.#byWorker.get(host);
    if (pids === undefined) this.#byWorker.set(host, (pids = new Map<number, Tally>()));
    let tally = pids.get(pid);
    if (tally === undefined) pids.set(pid, (tally = new Tally()));
    return tally;
  }

  snapshot(): AccumulatorSnapshot {
    return {
      all: this.#all.data(),
      byAgentAction: [...this.#byAgentAction].flatMap(([agent, actions]) => [...actions].map(([action, pair]): [string, string, TallyData, UsageSummary] => [agent, action, pair.tally.data(), pair.usage.data()])),
      byWorker: [...this.#byWorker].flatMap(([host, pids]) => [...pids].map(([pid, tally]): [string, number, TallyData] => [host, pid, tally.data()])),
      histogram: this.#histogram.snapshot(),
      usage: this.#usage.data(),
      retries: this.#retries,
      first: this.#first,
      last: this.#last,
      unreadable: { ...this.#unreadable },
      overTime: this.#overTime.snapshot(),
    };
  }

  merge(other: AccumulatorSnapshot): void {
    this.#all.merge(other.all);
    for (const [agent, action, tally, usage] of other.byAgentAction) {
      const pair = this.#pair(agent, action);
      pair.tally.merge(tally);
      pair.usage.merge(usage);
    }
    for (const [host, pid, tally] of other.byWorker) this.#workerTally(host, pid).merge(tally);
    this.#histogram.merge(other.histogram);
    this.#usage.merge(other.usage);
    this.#retries += other.retries;
    if (other.first !== null && (this.#first === null || other.first < this.#first)) this.#first = other.first;
    if (other.last !== null && (this.#last === null || other.last > this.#last)) this.#last = other.last;
    this.#overTime.merge(other.overTime);
    for (const [name, count] of Object.entries(other.unreadable)) this.#unreadable[name] = (this.#unreadable[name] ?? 0) + count;
  }

  result(filesRead: number): MetricsSummary {
    const byAgentAction: AgentActionSummary[] = [...this.#byAgentAction]
      .flatMap(([agent, actions]) => [...actions].map(([action, { tally, usage }]) => ({ agent, action, tally, usage })))
      .sort((a, b) => b.tally.total - a.tally.total || a.agent.localeCompare(b.agent) || a.action.localeCompare(b.action))
      .map(({ agent, action, tally, usage }) => ({
        agent,
        action,
        total: tally.total,
        by_status: tally.byStatus,
        success_rate: tally.successRate(),
        average_duration_ms: tally.averageDuration(),
        usage: usage.result(),
      }));
    const byWorker: WorkerSummary[] = [...this.#byWorker]
      .flatMap(([host, pids]) => [...pids].map(([pid, tally]) => ({ host, pid, tally })))
      .sort((a, b) => b.tally.total - a.tally.total || a.host.localeCompare(b.host) || a.pid - b.pid)
      .map(({ host, pid, tally }) => ({ host, pid, total: tally.total, by_status: tally.byStatus, success_rate: tally.successRate(), average_duration_ms: roundMs(tally.averageDuration()) }));
    return {
      total_executions: this.#all.total,
      success_rate: this.#all.successRate(),
      average_duration_ms: roundMs(this.#all.averageDuration() ?? undefined),
      p50_duration_ms: roundMs(this.#histogram.quantile(0.5)),
      p95_duration_ms: roundMs(this.#histogram.quantile(0.95)),
      total_retries: this.#retries,
      by_status: this.#all.byStatus,
      by_agent_action: byAgentAction,
      ...(byWorker.length === 0 ? {} : { by_worker: byWorker }),
      usage: this.#usage.result(),
      first_completed_at: this.#first,
      last_completed_at: this.#last,
      over_time: this.#overTime.result(),
      files_read: filesRead,
      // Newest file first, as history reports them.
      unreadable: Object.fromEntries(Object.entries(this.#unreadable).sort(([a], [b]) => (a < b ? 1 : -1))),
    };
  }
}
