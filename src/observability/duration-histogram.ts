// Percentiles of step durations in constant memory: exact while there are at most 4,096 values, then a log-scale
// histogram whose buckets are 2 % wide, so a reported p50 or p95 is within 1 % of the value of the right rank, while a
// million records fit in under ~1,500 buckets.

/** Relative error of a reported percentile (half a bucket's width). */
export const HISTOGRAM_RELATIVE_ERROR = 0.01;

const LOG_BASE = Math.log1p(HISTOGRAM_RELATIVE_ERROR * 2);

/** Up to this many values are kept exactly. */
const EXACT_LIMIT = 4096;

/** A histogram as plain data, to send between threads. */
export interface HistogramSnapshot {
  /** The values themselves, while there are few enough; otherwise null. */
  exact: number[] | null;
  buckets: [number, number][];
  total: number;
  min: number;
  max: number;
}

/** A histogram of non-negative durations in milliseconds. */
export class DurationHistogram {
  #counts = new Map<number, number>();
  #exact: number[] | null = [];
  #total = 0;
  #min = Infinity;
  #max = -Infinity;

  /** Adds one duration (negative values count as 0). */
  add(durationMs: number): void {
    const value = Math.max(0, durationMs);
    this.#keepExact([value]);
    // Durations under 1 ms share bucket 0; above, bucket i covers [b^(i-1), b^i) with b = 1.02.
    const bucket = value < 1 ? 0 : 1 + Math.floor(Math.log(value) / LOG_BASE);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    this.#total++;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** Adds every count of another histogram (from a worker thread). */
  merge(snapshot: HistogramSnapshot): void {
    if (snapshot.exact === null) this.#exact = null;
    else this.#keepExact(snapshot.exact);
    for (const [bucket, count] of snapshot.buckets) this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + count);
    this.#total += snapshot.total;
    this.#min = Math.min(this.#min, snapshot.min);
    this.#max = Math.max(this.#max, snapshot.max);
  }

  snapshot(): HistogramSnapshot {
    return { exact: this.#exact === null ? null : [...this.#exact], buckets: [...this.#counts], total: this.#total, min: this.#min, max: this.#max };
  }

  #keepExact(values: readonly number[]): void {
    if (this.#exact === null) return;
    if (this.#exact.length + values.length > EXACT_LIMIT) this.#exact = null;
    else this.#exact.push(...values);
  }

  /** The q-quantile (0 < q ≤ 1), or undefined when empty. Clamped to the observed min and max. */
  quantile(q: number): number | undefined {
    if (this.#total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.#total));
    if (rank >= this.#total) return this.#max;
    if (this.#exact !== null) return [...this.#exact].sort((a, b) => a - b)[rank - 1];
    let seen = 0;
    for (const bucket of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(bucket) ?? 0;
      if (seen >= rank) {
        // The bucket's geometric middle is within the relative error of every value in it.
        const estimate = bucket === 0 ? 0 : Math.exp((bucket - 0.5) * LOG_BASE);
        return Math.min(this.#max, Math.max(this.#min, estimate));
      }
    }
    return this.#max;
  }
}
