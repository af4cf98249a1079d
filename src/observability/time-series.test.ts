import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { createMetricsStore } from './metrics-store.js';
import type { ExecutionStatus } from './observer.js';
import { summarizeMetrics } from './metrics-summary.js';
import { TimeSeries } from './time-series.js';
import type { SummaryFields } from './summary-fields.js';
import { observabilityPaths } from './layout.js';

function fields(at: string, status: ExecutionStatus, duration: number, retries = 0): SummaryFields {
  return { workflow_id: 'wf', agent: 'a', action: 'b', status, duration_ms: duration, retry_count: retries, completed_at: at, usage: null };
}

describe('metrics over time', () => {
  it('is by UTC hour within 48 hours, every hour from the first to the last, empty ones with null rates', () => {
    const series = new TimeSeries();
    series.add(fields('2026-11-23T10:05:00.000Z', 'success', 100));
    series.add(fields('2026-11-23T10:59:59.999Z', 'failed', 300, 1));
    series.add(fields('2026-11-23T10:30:00.000Z', 'skipped', 0));
    series.add(fields('2026-11-23T13:00:00.000Z', 'success', 50));
    // Not in toISOString's form: parsed (its hour is 12:00 UTC).
    series.add(fields('2026-11-23T14:30:00+02:00', 'timeout', 900));
    const result = series.result();
    expect(result.bucket).toBe('hour');
    expect(result.series.map((bucket) => [bucket.start, bucket.total_executions, bucket.success_rate, bucket.p50_duration_ms, bucket.p95_duration_ms, bucket.retries])).toEqual([
      ['2026-11-23T10:00:00.000Z', 3, 0.5, 100, 300, 1],
      ['2026-11-23T11:00:00.000Z', 0, null, null, null, 0],
      ['2026-11-23T12:00:00.000Z', 1, 0, 900, 900, 0],
      ['2026-11-23T13:00:00.000Z', 1, 1, 50, 50, 0],
    ]);
    expect(result.series[0]?.by_status).toEqual({ success: 1, failed: 1, timeout: 0, cancelled: 0, skipped: 1 });
    expect(result.series[0]?.average_duration_ms).toBe(200);
  });

  it('is by UTC day past 48 hours, hours merged (percentiles over the whole day)', () => {
    const series = new TimeSeries();
    for (let i = 1; i <= 10; i++) series.add(fields(`2026-11-20T${String(i).padStart(2, '0')}:00:00.000Z`, 'success', i * 10));
    series.add(fields('2026-11-22T23:00:00.000Z', 'failed', 5));
    const result = series.result();
    expect(result.bucket).toBe('day');
    expect(result.series.map((bucket) => [bucket.start, bucket.total_executions, bucket.p50_duration_ms, bucket.p95_duration_ms])).toEqual([
      ['2026-11-20T00:00:00.000Z', 10, 50, 100],
      ['2026-11-21T00:00:00.000Z', 0, null, null],
      ['2026-11-22T00:00:00.000Z', 1, 5, 5],
    ]);
  });

  it('switches to days when the first and last hour are more than 48 hours apart', () => {
    const span = (hours: number) => {
      const series = new TimeSeries();
      series.add(fields('2026-11-20T00:10:00.000Z', 'success', 1));
      series.add(fields(new Date(Date.UTC(2026, 10, 20, hours, 50)).toISOString(), 'success', 1));
      const { bucket, series: buckets } = series.result();
      return [bucket, buckets.length];
    };
    expect(span(48)).toEqual(['hour', 49]);
    expect(span(49)).toEqual(['day', 3]);
  });

  it('has no buckets without records, and a merged snapshot gives what one pass gives', () => {
    expect(new TimeSeries().result()).toEqual({ bucket: 'hour', series: [] });
    const whole = new TimeSeries();
    const left = new TimeSeries();
    const right = new TimeSeries();
    for (let i = 0; i < 40; i++) {
      const record = fields(new Date(Date.UTC(2026, 10, 23, i % 30, i)).toISOString(), i % 3 === 0 ? 'failed' : 'success', 10 + i, i % 5 === 0 ? 1 : 0);
      whole.add(record);
      (i % 2 === 0 ? left : right).add(record);
    }
    left.merge(right.snapshot());
    expect(left.result()).toEqual(whole.result());
  });

  it('sums token use and cost per bucket, over the records that reported them', () => {
    const series = new TimeSeries();
    series.add({ ...fields('2026-11-23T10:05:00.000Z', 'success', 100), usage: { input_tokens: 1200, output_tokens: 300, cost_usd: 0.0041 } });
    series.add({ ...fields('2026-11-23T10:45:00.000Z', 'failed', 100), usage: { input_tokens: 800, cost_usd: 0.0009 } });
    series.add(fields('2026-11-23T11:05:00.000Z', 'success', 100));
    expect(series.result().series.map(({ input_tokens, output_tokens, cost_usd }) => [input_tokens, output_tokens, cost_usd])).toEqual([
      [2000, 300, 0.005],
      [0, 0, 0],
    ]);
  });

  it('keeps one bucket per day once the span passes 48 hours, merging hourly and daily parts exactly', () => {
    const record = (hour: number, i: number) => fields(new Date(Date.UTC(2026, 10, 1, hour, i % 60)).toISOString(), i % 4 === 0 ? 'failed' : 'success', 5 + ((i * 37) % 900), i % 7 === 0 ? 1 : 0);
    const whole = new TimeSeries();
    const recent = new TimeSeries(); // the last day only: by hour on its own
    const older = new TimeSeries(); // 29 days: by day
    for (let hour = 0; hour < 30 * 24; hour++) {
      for (let i = 0; i < 5; i++) {
        whole.add(record(hour, hour * 5 + i));
        (hour >= 29 * 24 ? recent : older).add(record(hour, hour * 5 + i));
      }
    }
    // 3,600 records over 720 hours: held in 30 day buckets, not 720 hourly ones.
    expect(whole.snapshot()).toMatchObject({ width: 24 });
    expect(whole.snapshot().buckets).toHaveLength(30);
    expect(recent.snapshot()).toMatchObject({ width: 1 });
    expect(recent.snapshot().buckets).toHaveLength(24);
    // Either way round, the merge is what one pass gives.
    const a = new TimeSeries();
    a.merge(recent.snapshot());
    a.merge(older.snapshot());
    const b = new TimeSeries();
    b.merge(older.snapshot());
    b.merge(recent.snapshot());
    expect(a.result()).toEqual(whole.result());
    expect(b.result()).toEqual(whole.result());
    expect(whole.result().series).toHaveLength(30);
  });

  it('its buckets add up to the summary, through the metrics files and the filter', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    const statuses: ExecutionStatus[] = ['success', 'failed', 'success', 'skipped', 'timeout'];
    for (let i = 0; i < 25; i++) {
      const completed = new Date(Date.UTC(2026, 10, 23, 8 + (i % 5), i));
      await store.append({
        execution_id: `r/s${i}/1`, workflow_id: i % 2 === 0 ? 'even' : 'odd', run_id: 'r', step_id: `s${i}`, agent: 'a', action: 'b', command: '@a b',
        status: statuses[i % 5] as ExecutionStatus, duration_ms: 100 * (i + 1), retry_count: i % 4 === 0 ? 1 : 0,
        started_at: completed.toISOString(), completed_at: completed.toISOString(), error_message: null, usage: null,
      });
    }
    for (const filter of [{}, { workflowId: 'even' }, { since: new Date(Date.UTC(2026, 10, 23, 10)) }]) {
      const summary = await summarizeMetrics(observabilityPaths(root).metricsDir, filter);
      const sum = (pick: (bucket: (typeof summary.over_time.series)[number]) => number) => summary.over_time.series.reduce((total, bucket) => total + pick(bucket), 0);
      expect(summary.over_time.bucket).toBe('hour');
      expect(sum((bucket) => bucket.total_executions)).toBe(summary.total_executions);
      expect(sum((bucket) => bucket.retries)).toBe(summary.total_retries);
      expect(sum((bucket) => bucket.by_status.success)).toBe(summary.by_status.success);
      expect(summary.over_time.series[0]?.start.slice(0, 13)).toBe(summary.first_completed_at?.slice(0, 13));
    }
  });
});
