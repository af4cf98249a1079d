// The built metrics summary split across worker threads gives the same answer as one thread.

import { describe, expect, it } from 'vitest';
import { testdir } from '../helpers/testdir.js';
import { METRICS, metricsLine } from './fixture.js';

interface Summarize {
  summarizeMetrics: (dir: string, filter: object, options: { threads: number; bytesPerThread?: number }) => Promise<unknown>;
}

describe('metrics summary in worker threads', () => {
  it('merges partial aggregates from workers into the single-thread result', async () => {
    const dayFile = (day: number): string => {
      const lines = Array.from({ length: 300 }, (_, index) =>
        metricsLine({
          step: `s${index}`,
          status: index % 4 === 0 ? 'failed' : 'success',
          at: `2026-11-1${day}T10:00:${String(index % 60).padStart(2, '0')}.000Z`,
          ms: 100 + day * 1000 + index,
          attempt: 1 + (index % 2),
          usage: index % 3 === 0 ? { input_tokens: 10, output_tokens: 2, cost_usd: 0.001 } : null,
        }),
      );
      return `${lines.join('\n')}\nnot json\n`;
    };
    const days = Object.fromEntries(Array.from({ length: 6 }, (_, day) => [`.tapps-agents/metrics/executions_2026-11-1${day}.jsonl`, dayFile(day)]));
    const root = await testdir({ ...days, ...METRICS });
    const { summarizeMetrics } = (await import(new URL('../../dist/observability/metrics-summary.js', import.meta.url).href)) as Summarize;
    const dir = `${root}/.tapps-agents/metrics`;
    const single = await summarizeMetrics(dir, {}, { threads: 1 });
    expect(await summarizeMetrics(dir, {}, { threads: 3, bytesPerThread: 1 })).toEqual(single);
    expect(single).toMatchObject({ total_executions: 1805, files_read: 8 });
  });
});
