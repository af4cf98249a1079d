// Percentiles of step durations in constant memory: a log-scale histogram whose buckets are 1 % wide, so p50 and p95
// of a million records are within 1 % of the exact value while the histogram stays under ~2,000 buckets.

/** Relative width of a bucket: a reported percentile is within this fraction of the true value. */
export const HISTOGRAM_RELATIVE_ERROR = 0.01;

const LOG_BASE = Math.log1p(HISTOGRAM_RELATIVE_ERROR * 2);

/** A histogram of non-negative durations in milliseconds. */
export class DurationHistogram {
  #counts = new Map<number, number>();
  #total = 0;
  #min = Infinity;
  #max = -Infinity;

  /** Adds one duration (negative values count as 0). */
  add(durationMs: number): void {
    const value = Math.max(0, durationMs);
    // Durations under 1 ms share bucket 0; above, bucket i covers [(1+2e)^(i-1), (1+2e)^i).
    const bucket = value < 1 ? 0 : 1 + Math.floor(Math.log(value) / LOG_BASE);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    this.#total++;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** The q-quantile (0 < q ≤ 1), or undefined when empty. Clamped to the observed min and max. */
  quantile(q: number): number | undefined {
    if (this.#total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.#total));
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
