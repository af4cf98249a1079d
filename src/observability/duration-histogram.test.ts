import { describe, expect, it } from 'vitest';
import { DurationHistogram, HISTOGRAM_RELATIVE_ERROR } from './duration-histogram.js';

describe('DurationHistogram', () => {
  it('estimates p50 and p95 within 1 % of the exact values', () => {
    const histogram = new DurationHistogram();
    const values: number[] = [];
    let seed = 7;
    for (let index = 0; index < 100_000; index++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const value = Math.round((seed / 2147483648) ** 2 * 120_000) + 1;
      values.push(value);
      histogram.add(value);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.95]) {
      const exact = values[Math.ceil(q * values.length) - 1] as number;
      expect(Math.abs((histogram.quantile(q) as number) - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR + 1e-9);
    }
  });

  it('is empty until a value is added, and merges snapshots', () => {
    const a = new DurationHistogram();
    expect(a.quantile(0.5)).toBeUndefined();
    a.add(100);
    const b = new DurationHistogram();
    b.add(0);
    b.add(200);
    a.merge(b.snapshot());
    expect(a.quantile(0.5)).toBeCloseTo(100, -1);
    expect(a.quantile(1)).toBe(200);
    expect(a.quantile(0.01)).toBe(0);
  });
});
