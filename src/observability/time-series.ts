// Metrics over time: executions are counted per UTC hour as they stream by (a tally and a duration histogram per
// hour), and the result is a contiguous series of hours when the data spans at most two days, else of UTC days (the
// hours merged), so a chart has between 1 and ~50 points for recent data and one a day for a longer history. Memory is
// one small histogram per bucket with data (at most 49 hours, else one per day), not per record.

import { DurationHistogram, type HistogramSnapshot } from './duration-histogram.js';
import { roundMs, Tally, type TallyData } from './execution-tally.js';
import type { OverTimeSummary, TimeBucketSummary, UsageSummary } from './metrics-summary-result.js';
import type { SummaryFields } from './summary-fields.js';
import { UsageTally } from './usage-tally.js';

const HOUR_MS = 3_600_000;
/** Up to this many hours between the first and the last bucket, the series is by hour. */
export const HOURLY_SPAN_LIMIT = 48;

/** An ISO time in UTC written by toISOString (or shorter): its first 13 characters name its hour. */
const UTC_ISO = /^\d{4}-\d\d-\d\dT\d\d(:\d\d(:\d\d(\.\d+)?)?)?Z$/;

interface HourData {
  tally: TallyData;
  retries: number;
  histogram: HistogramSnapshot;
  /** Token use and cost summed over the bucket's records that reported them. */
  usage: UsageSummary;
}

/**
 * A series as plain data, to send between threads: the bucket width in hours (1, or 24 once the data spans more than
 * HOURLY_SPAN_LIMIT hours), the first and last hour with data, and each bucket's start hour with its data.
 */
export interface TimeSeriesSnapshot {
  width: 1 | 24;
  first: number;
  last: number;
  buckets: [number, HourData][];
}

class Bucket {
  tally = new Tally();
  retries = 0;
  histogram = new DurationHistogram();
  usage = new UsageTally();

  add(record: SummaryFields): void {
    this.tally.add(record);
    if (record.status !== 'skipped') this.histogram.add(record.duration_ms);
    if (record.retry_count > 0) this.retries++;
    this.usage.add(record.usage);
  }

  merge(other: HourData): void {
    this.tally.merge(other.tally);
    this.retries += other.retries;
    this.histogram.merge(other.histogram);
    this.usage.merge(other.usage);
  }

  data(): HourData {
    return { tally: this.tally.data(), retries: this.retries, histogram: this.histogram.snapshot(), usage: this.usage.data() };
  }
}

/**
 * Counts records per UTC hour while the hours with data are at most HOURLY_SPAN_LIMIT apart, then per UTC day (the
 * hours merged, exactly): the result would be by day anyway, and memory stays at most 49 hourly buckets or one bucket
 * per day, whatever the number of records (a 1M-record month is 30 buckets, not 720).
 */
export class TimeSeries {
  #buckets = new Map<number, Bucket>();
  #width: 1 | 24 = 1;
  #first = Infinity;
  #last = -Infinity;
  // Records come in time order within a file: the last hour's prefix ("2026-12-03T08") finds its bucket without a
  // date parse or a map lookup.
  #lastPrefix = '';
  #lastBucket: Bucket | undefined;

  add(record: SummaryFields): void {
    const at = record.completed_at;
    let bucket = this.#lastBucket;
    // toISOString's form is 24 characters ending in Z; anything else takes the parse.
    if (bucket === undefined || at.length !== 24 || !at.startsWith(this.#lastPrefix) || at.charCodeAt(23) !== 0x5a) {
      const time = Date.parse(at);
      if (Number.isNaN(time)) return; // counted in the totals, but it has no place in time
      const hour = Math.floor(time / HOUR_MS);
      this.#span(hour, hour);
      bucket = this.#bucket(hour);
      if (UTC_ISO.test(at)) {
        this.#lastPrefix = at.slice(0, 13);
        this.#lastBucket = bucket;
      }
    }
    bucket.add(record);
  }

  /** Widens the span to [first, last]; past HOURLY_SPAN_LIMIT hours the hourly buckets become days. */
  #span(first: number, last: number): void {
    if (first < this.#first) this.#first = first;
    if (last > this.#last) this.#last = last;
    if (this.#width === 24 || this.#last - this.#first <= HOURLY_SPAN_LIMIT) return;
    this.#width = 24;
    const hours = this.#buckets;
    this.#buckets = new Map();
    for (const [hour, bucket] of hours) {
      const day = this.#startOf(hour);
      const into = this.#buckets.get(day);
      if (into === undefined) this.#buckets.set(day, bucket);
      else into.merge(bucket.data());
    }
    this.#lastBucket = undefined; // it may have been merged into another bucket
  }

  #startOf(hour: number): number {
    return Math.floor(hour / this.#width) * this.#width;
  }

  #bucket(hour: number): Bucket {
    const start = this.#startOf(hour);
    let bucket = this.#buckets.get(start);
    if (bucket === undefined) this.#buckets.set(start, (bucket = new Bucket()));
    return bucket;
  }

  snapshot(): TimeSeriesSnapshot {
    return { width: this.#width, first: this.#first, last: this.#last, buckets: [...this.#buckets].map(([start, bucket]) => [start, bucket.data()]) };
  }

  merge(snapshot: TimeSeriesSnapshot): void {
    if (snapshot.buckets.length === 0) return;
    this.#span(snapshot.first, snapshot.last);
    for (const [start, data] of snapshot.buckets) this.#bucket(start).merge(data);
  }

  /** The series: every hour (or day) from the first with data to the last, empty ones included. */
  result(): OverTimeSummary {
    if (this.#buckets.size === 0) return { bucket: 'hour', series: [] };
    const series: TimeBucketSummary[] = [];
    for (let start = this.#startOf(this.#first); start <= this.#last; start += this.#width) series.push(summaryOf(start, this.#buckets.get(start)));
    return { bucket: this.#width === 24 ? 'day' : 'hour', series };
  }
}

function summaryOf(hour: number, bucket: Bucket | undefined): TimeBucketSummary {
  const tally = bucket?.tally ?? new Tally();
  const usage = (bucket?.usage ?? new UsageTally()).result();
  return {
    start: new Date(hour * HOUR_MS).toISOString(),
    total_executions: tally.total,
    success_rate: tally.successRate(),
    average_duration_ms: roundMs(tally.averageDuration()),
    p50_duration_ms: roundMs(bucket?.histogram.quantile(0.5)),
    p95_duration_ms: roundMs(bucket?.histogram.quantile(0.95)),
    retries: bucket?.retries ?? 0,
    by_status: { ...tally.byStatus },
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cost_usd: usage.cost_usd,
  };
}
