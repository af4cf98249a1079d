// Metrics over time: executions are counted per UTC hour as they stream by (a tally and a duration histogram per
// hour), and the result is a contiguous series of hours when the data spans at most two days, else of UTC days (the
// hours merged), so a chart has between 1 and ~50 points for recent data and one a day for a longer history. Memory is
// one small histogram per hour with data, not per record.

import { DurationHistogram, type HistogramSnapshot } from './duration-histogram.js';
import { roundMs, Tally, type TallyData } from './execution-tally.js';
import type { OverTimeSummary, TimeBucketSummary } from './metrics-summary-result.js';
import type { SummaryFields } from './summary-fields.js';

const HOUR_MS = 3_600_000;
/** Up to this many hours between the first and the last bucket, the series is by hour. */
export const HOURLY_SPAN_LIMIT = 48;

/** An ISO time in UTC written by toISOString (or shorter): its first 13 characters name its hour. */
const UTC_ISO = /^\d{4}-\d\d-\d\dT\d\d(:\d\d(:\d\d(\.\d+)?)?)?Z$/;

interface HourData {
  tally: TallyData;
  retries: number;
  histogram: HistogramSnapshot;
}

/** Hours (since the epoch) and their data, to send between threads. */
export type TimeSeriesSnapshot = [number, HourData][];

class Bucket {
  tally = new Tally();
  retries = 0;
  histogram = new DurationHistogram();

  add(record: SummaryFields): void {
    this.tally.add(record);
    if (record.status !== 'skipped') this.histogram.add(record.duration_ms);
    if (record.retry_count > 0) this.retries++;
  }

  merge(other: HourData): void {
    this.tally.merge(other.tally);
    this.retries += other.retries;
    this.histogram.merge(other.histogram);
  }

  data(): HourData {
    return { tally: this.tally.data(), retries: this.retries, histogram: this.histogram.snapshot() };
  }
}

export class TimeSeries {
  readonly #hours = new Map<number, Bucket>();
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
      bucket = this.#bucket(Math.floor(time / HOUR_MS));
      if (UTC_ISO.test(at)) {
        this.#lastPrefix = at.slice(0, 13);
        this.#lastBucket = bucket;
      }
    }
    bucket.add(record);
  }

  #bucket(hour: number): Bucket {
    let bucket = this.#hours.get(hour);
    if (bucket === undefined) this.#hours.set(hour, (bucket = new Bucket()));
    return bucket;
  }

  snapshot(): TimeSeriesSnapshot {
    return [...this.#hours].map(([hour, bucket]) => [hour, bucket.data()]);
  }

  merge(snapshot: TimeSeriesSnapshot): void {
    for (const [hour, data] of snapshot) this.#bucket(hour).merge(data);
  }

  /** The series: every hour (or day) from the first with data to the last, empty ones included. */
  result(): OverTimeSummary {
    const hours = [...this.#hours.keys()].sort((a, b) => a - b);
    const first = hours[0];
    const last = hours.at(-1);
    if (first === undefined || last === undefined) return { bucket: 'hour', series: [] };
    const byDay = last - first > HOURLY_SPAN_LIMIT;
    const width = byDay ? 24 : 1;
    const buckets = new Map<number, Bucket>();
    for (const hour of hours) {
      const start = Math.floor(hour / width) * width;
      let bucket = buckets.get(start);
      if (bucket === undefined) buckets.set(start, (bucket = new Bucket()));
      bucket.merge((this.#hours.get(hour) as Bucket).data());
    }
    const series: TimeBucketSummary[] = [];
    for (let start = Math.floor(first / width) * width; start <= last; start += width) series.push(summaryOf(start, buckets.get(start)));
    return { bucket: byDay ? 'day' : 'hour', series };
  }
}

function summaryOf(hour: number, bucket: Bucket | undefined): TimeBucketSummary {
  const tally = bucket?.tally ?? new Tally();
  return {
    start: new Date(hour * HOUR_MS).toISOString(),
    total_executions: tally.total,
    success_rate: tally.successRate(),
    average_duration_ms: roundMs(tally.averageDuration()),
    p50_duration_ms: roundMs(bucket?.histogram.quantile(0.5)),
    p95_duration_ms: roundMs(bucket?.histogram.quantile(0.95)),
    retries: bucket?.retries ?? 0,
    by_status: { ...tally.byStatus },
  };
}
