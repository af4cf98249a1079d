// /api/metrics over a real metrics file with attempts across several days and hours: its series over time (by day
// past 48 hours, by hour within them) as computed by hand, and every answer equal to what the built CLI's
// `auto-execution metrics --json` prints for the same filter; tokens and cost per agent/action.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/dashboard-server.js';
import { createMetricsStore } from '../../src/observability/metrics-store.js';
import type { ExecutionStatus } from '../../src/observability/observer.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let dashboard: RunningDashboard;

/** One attempt: workflow, agent, status, duration, completion time, retry. */
const ATTEMPTS: [string, string, ExecutionStatus, number, string, number][] = [
  ['build', 'implementer', 'success', 1000, '2026-11-20T09:10:00.000Z', 0],
  ['build', 'implementer', 'failed', 3000, '2026-11-20T09:40:00.000Z', 0],
  ['build', 'implementer', 'success', 2000, '2026-11-20T15:00:00.000Z', 1],
  ['docs', 'documenter', 'success', 500, '2026-11-21T09:00:00.000Z', 0],
  ['build', 'implementer', 'timeout', 9000, '2026-11-23T08:05:00.000Z', 0],
  ['build', 'implementer', 'success', 4000, '2026-11-23T08:50:00.000Z', 1],
  ['docs', 'documenter', 'skipped', 0, '2026-11-23T10:00:00.000Z', 0],
  ['docs', 'documenter', 'success', 700, '2026-11-23T11:30:00.000Z', 0],
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tapps-dashboard-metrics-'));
  const store = createMetricsStore(dir);
  for (const [index, [workflow, agent, status, duration, completed, retry]] of ATTEMPTS.entries()) {
    await store.append({
      execution_id: `run-${index}/step/1`,
      workflow_id: workflow,
      run_id: `run-${index}`,
      step_id: 'step',
      agent,
      action: 'work',
      command: `@${agent} work`,
      status,
      duration_ms: duration,
      retry_count: retry,
      started_at: new Date(Date.parse(completed) - duration).toISOString(),
      completed_at: completed,
      error_message: status === 'success' || status === 'skipped' ? null : `${status}!`,
      usage: { input_tokens: 10 * (index + 1), output_tokens: index, cost_usd: 0.001 },
    });
  }
  dashboard = await startDashboard({ projectRoot: dir });
}, 60_000);

afterAll(async () => {
  await dashboard.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

async function api<T>(pathname: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${dashboard.port}${pathname}`, { headers: { 'x-tapps-token': dashboard.token } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

interface Series {
  over_time: { bucket: string; series: { start: string; total_executions: number; success_rate: number | null; p50_duration_ms: number | null; p95_duration_ms: number | null; retries: number }[] };
}
const rows = (metrics: Series) => metrics.over_time.series.map((bucket) => [bucket.start, bucket.total_executions, bucket.success_rate, bucket.p50_duration_ms, bucket.p95_duration_ms, bucket.retries]);

describe('/api/metrics over time', () => {
  it('is by UTC day when the data spans more than 48 hours, every day from the first to the last', async () => {
    const metrics = await api<Series>('/api/metrics');
    expect(metrics.over_time.bucket).toBe('day');
    expect(rows(metrics)).toEqual([
      ['2026-11-20T00:00:00.000Z', 3, 2 / 3, 2000, 3000, 1],
      ['2026-11-21T00:00:00.000Z', 1, 1, 500, 500, 0],
      ['2026-11-22T00:00:00.000Z', 0, null, null, null, 0],
      ['2026-11-23T00:00:00.000Z', 4, 2 / 3, 4000, 9000, 1],
    ]);
  });

  it('is by UTC hour within 48 hours (here: since a time), and follows the workflow filter', async () => {
    const metrics = await api<Series>('/api/metrics?since=2026-11-23T00:00:00Z');
    expect(metrics.over_time.bucket).toBe('hour');
    expect(rows(metrics)).toEqual([
      ['2026-11-23T08:00:00.000Z', 2, 0.5, 4000, 9000, 1],
      ['2026-11-23T09:00:00.000Z', 0, null, null, null, 0],
      ['2026-11-23T10:00:00.000Z', 1, null, null, null, 0],
      ['2026-11-23T11:00:00.000Z', 1, 1, 700, 700, 0],
    ]);
    const docs = await api<Series>('/api/metrics?workflow_id=docs');
    expect(docs.over_time.bucket).toBe('day');
    expect(rows(docs).map(([start, total]) => [start, total])).toEqual([
      ['2026-11-21T00:00:00.000Z', 1],
      ['2026-11-22T00:00:00.000Z', 0],
      ['2026-11-23T00:00:00.000Z', 2],
    ]);
  });

  it('by_agent_action carries the tokens and cost of each agent/action, which add up to the total usage', async () => {
    type Usage = { executions_with_usage: number; input_tokens: number; output_tokens: number; cost_usd: number };
    const metrics = await api<{ by_agent_action: { agent: string; usage: Usage }[]; usage: Usage }>('/api/metrics');
    // Attempt i used 10·(i+1) tokens in, i out, $0.001: implementer ran attempts 0, 1, 2, 4, 5; documenter 3, 6, 7.
    expect(metrics.by_agent_action.map((entry) => [entry.agent, entry.usage])).toEqual([
      ['implementer', { executions_with_usage: 5, input_tokens: 170, output_tokens: 12, cost_usd: 0.005 }],
      ['documenter', { executions_with_usage: 3, input_tokens: 190, output_tokens: 16, cost_usd: 0.003 }],
    ]);
    expect(metrics.usage).toEqual({ executions_with_usage: 8, input_tokens: 360, output_tokens: 28, cost_usd: 0.008 });
  });

  it('every answer is what the built CLI prints with auto-execution metrics --json for the same filter', async () => {
    const filters: [string, string[]][] = [
      ['', []],
      ['?workflow_id=build', ['--workflow-id', 'build']],
      ['?since=2026-11-23T00:00:00Z', ['--since', '2026-11-23T00:00:00Z']],
      ['?workflow_id=docs&since=2026-11-21T00:00:00Z', ['--workflow-id', 'docs', '--since', '2026-11-21T00:00:00Z']],
      ['?workflow_id=none', ['--workflow-id', 'none']],
    ];
    for (const [query, flags] of filters) {
      const cli = await runCli(['auto-execution', 'metrics', ...flags, '--json'], { cwd: dir });
      expect(cli.exitCode).toBe(0);
      const printed = JSON.parse(cli.stdout) as Series;
      expect(await api(`/api/metrics${query}`)).toEqual(printed);
    }
    // The comparison covered both bucket sizes and an empty series.
    const sizes = await Promise.all(filters.map(async ([query]) => (await api<Series>(`/api/metrics${query}`)).over_time));
    expect(sizes.map((overTime) => [overTime.bucket, overTime.series.length])).toEqual([['day', 4], ['day', 4], ['hour', 4], ['day', 3], ['hour', 0]]);
  }, 60_000);
});
