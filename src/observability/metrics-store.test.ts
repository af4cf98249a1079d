import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { createMetricsStore } from './metrics-store.js';
import type { ExecutionRecord, ExecutionStatus } from './observer.js';
import { parseSince, parseStatusFilter } from './record-filter.js';
import { summarizeMetrics } from './metrics-summary.js';

type Input = Omit<ExecutionRecord, 'schemaVersion' | 'ts'>;

/** A step attempt record; `at` is its completion time. */
function attempt(stepId: string, status: ExecutionStatus, at: string, extra: Partial<Input> = {}): Input {
  const completed = new Date(at);
  const duration = extra.duration_ms ?? 1000;
  return {
    execution_id: `run-1/${stepId}/1`,
    workflow_id: 'wf',
    run_id: 'run-1',
    step_id: stepId,
    agent: 'analyst',
    action: 'gather-requirements',
    command: `@analyst gather-requirements --step ${stepId}`,
    status,
    duration_ms: duration,
    retry_count: 0,
    started_at: new Date(completed.getTime() - duration).toISOString(),
    completed_at: completed.toISOString(),
    error_message: status === 'success' ? null : `${stepId} ${status}`,
    usage: null,
    ...extra,
  };
}

describe('metrics store', () => {
  it('appends one line per record to the UTC day of completion, files 0600 in a 0700 directory', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    await store.append(attempt('a', 'success', '2026-11-23T23:59:59.000Z'));
    await store.append(attempt('b', 'failed', '2026-11-24T00:00:01.000Z'), new Date('2026-11-24T00:00:02.000Z'));
    expect((await readdir(store.dir)).sort()).toEqual(['executions_2026-11-23.jsonl', 'executions_2026-11-24.jsonl']);
    const line = JSON.parse(await readFile(path.join(store.dir, 'executions_2026-11-24.jsonl'), 'utf8')) as ExecutionRecord;
    expect(line).toMatchObject({ schemaVersion: 1, ts: '2026-11-24T00:00:02.000Z', step_id: 'b', status: 'failed' });
    expect((await stat(path.join(store.dir, 'executions_2026-11-24.jsonl'))).mode & 0o777).toBe(0o600);
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
  });

  it('redacts secrets in the command and error message', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    await store.append(
      attempt('a', 'failed', '2026-11-24T10:00:00Z', {
        command: '@analyst gather --api-key sk-abcdefghijklmnop --password hunter22',
        error_message: 'request failed: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
      }),
    );
    const text = await readFile(path.join(store.dir, 'executions_2026-11-24.jsonl'), 'utf8');
    expect(text).not.toContain('sk-abcdefghijklmnop');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    const record = JSON.parse(text) as ExecutionRecord;
    expect(record.command).toBe('@analyst gather --api-key ***REDACTED*** --password ***REDACTED***');
    expect(record.error_message).toBe('request failed: Authorization: Bearer ***REDACTED***');
  });

  it('returns history newest first across days, with filters and a limit', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    await store.append(attempt('a', 'success', '2026-11-22T10:00:00Z'));
    await store.append(attempt('b', 'failed', '2026-11-23T10:00:00Z'));
    await store.append(attempt('c', 'success', '2026-11-24T10:00:00Z', { workflow_id: 'other' }));
    await store.append(attempt('d', 'timeout', '2026-11-24T11:00:00Z'));
    const ids = async (query: Parameters<typeof store.history>[0]) => (await store.history(query)).records.map((record) => record.step_id);
    expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
    expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
    expect(await ids({ workflowId: 'wf' })).toEqual(['d', 'b', 'a']);
    expect(await ids({ status: 'success' })).toEqual(['c', 'a']);
    expect(await ids({ since: new Date('2026-11-23T09:00:00Z') })).toEqual(['d', 'c', 'b']);
  });

  it('3 successes and 1 failure: 75 % success rate; skipped steps do not count', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    await store.append(attempt('a', 'success', '2026-11-24T10:00:00Z', { duration_ms: 1000 }));
    await store.append(attempt('b', 'success', '2026-11-24T10:01:00Z', { duration_ms: 2000, retry_count: 1 }));
    await store.append(attempt('c', 'success', '2026-11-24T10:02:00Z', { duration_ms: 3000 }));
    await store.append(attempt('d', 'failed', '2026-11-24T10:03:00Z', { duration_ms: 4000, retry_count: 2 }));
    await store.append(attempt('e', 'skipped', '2026-11-24T10:04:00Z', { duration_ms: 0 }));
    const summary = await store.summarize();
    expect(summary).toMatchObject({
      total_executions: 5,
      success_rate: 0.75,
      average_duration_ms: 2500,
      total_retries: 2, // two attempts were retries (retry_count 1 and 2)
      by_status: { success: 3, failed: 1, timeout: 0, cancelled: 0, skipped: 1 },
      first_completed_at: '2026-11-24T10:00:00.000Z',
      last_completed_at: '2026-11-24T10:04:00.000Z',
      files_read: 1,
      unreadable: {},
    });
    expect(summary.p50_duration_ms).toBeCloseTo(2000, -2);
    expect(summary.p95_duration_ms).toBe(4000);
  });

  it('skips and counts corrupt and torn lines in history and summary', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    await store.append(attempt('a', 'success', '2026-11-24T10:00:00Z'));
    const file = path.join(store.dir, 'executions_2026-11-24.jsonl');
    await appendFile(file, 'not json at all\n{"schemaVersion":1,"status":"success"}\n');
    await store.append(attempt('b', 'failed', '2026-11-24T10:01:00Z'));
    const whole = JSON.stringify({ schemaVersion: 1, ...attempt('c', 'success', '2026-11-24T10:02:00Z') });
    await appendFile(file, `${whole.slice(0, 60)}\n${whole.slice(0, 40)}`); // a torn line, then a torn last line
    const history = await store.history({});
    expect(history.records.map((record) => record.step_id)).toEqual(['b', 'a']);
    expect(history.unreadable).toEqual({ 'executions_2026-11-24.jsonl': 4 });
    const summary = await store.summarize();
    expect(summary.total_executions).toBe(2);
    expect(summary.unreadable).toEqual({ 'executions_2026-11-24.jsonl': 4 });
  });

  it('reads records with escapes, other key orders and usage the same as JSON.parse would', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    await store.append(attempt('a', 'success', '2026-11-24T10:00:00Z', { workflow_id: 'wf "quoted" \\ ünï', usage: { input_tokens: 100, output_tokens: 20, cost_usd: 0.5 } }));
    const reordered = { status: 'failed', duration_ms: 500, completed_at: '2026-11-24T11:00:00.000Z', step_id: 'b', workflow_id: 'wf', execution_id: 'x', agent: 'tester', action: 'run-tests', retry_count: 1, usage: { input_tokens: 5 } };
    await appendFile(path.join(store.dir, 'executions_2026-11-24.jsonl'), `${JSON.stringify(reordered)}\n`);
    const summary = await store.summarize();
    expect(summary.total_executions).toBe(2);
    expect(summary.usage).toEqual({ executions_with_usage: 2, input_tokens: 105, output_tokens: 20, cost_usd: 0.5 });
    expect(summary.by_agent_action.map((entry) => [entry.agent, entry.action, entry.total])).toEqual([
      ['analyst', 'gather-requirements', 1],
      ['tester', 'run-tests', 1],
    ]);
    expect((await store.summarize({ workflowId: 'wf "quoted" \\ ünï' })).total_executions).toBe(1);
  });

  it('gives the same summary in one thread and split across worker threads', async () => {
    // Workers run the built files; this checks the split and merge logic with in-process groups instead.
    const root = await testdir();
    const store = createMetricsStore(root);
    for (let day = 20; day <= 24; day++) {
      await store.append(attempt(`s${day}`, day % 2 === 0 ? 'success' : 'failed', `2026-11-${day}T10:00:00Z`, { duration_ms: day * 100 }));
    }
    const one = await summarizeMetrics(store.dir, {}, { threads: 1 });
    expect(one.total_executions).toBe(5);
    expect(one.success_rate).toBe(0.6);
    expect(one.files_read).toBe(5);
    // From the TypeScript sources the worker file does not exist: its files fall back to this thread.
    expect(await summarizeMetrics(store.dir, {}, { threads: 3, bytesPerThread: 1 })).toEqual(one);
  });

  it('prunes daily files older than the retention', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    for (const day of ['2026-10-01', '2026-10-24', '2026-10-25', '2026-11-24']) await store.append(attempt(day, 'success', `${day}T10:00:00Z`));
    await writeFile(path.join(store.dir, 'notes.txt'), 'kept');
    const result = await store.prune(30, new Date('2026-11-24T12:00:00Z'));
    expect(result).toEqual({ retentionDays: 30, keptFrom: '2026-10-25', deleted: ['executions_2026-10-01.jsonl', 'executions_2026-10-24.jsonl'] });
    expect((await readdir(store.dir)).sort()).toEqual(['executions_2026-10-25.jsonl', 'executions_2026-11-24.jsonl', 'notes.txt']);
  });

  it('sums the attempts of each queue worker (host and pid), its field written before usage as the executor writes it', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    const remote = (stepId: string, status: ExecutionStatus, pid: number, ms: number): Input => {
      const { usage: _usage, ...rest } = attempt(stepId, status, '2026-11-24T10:00:00Z', { duration_ms: ms });
      return { ...rest, worker: { id: `worker-b-${pid}`, host: 'host-b', pid }, usage: { input_tokens: 10, output_tokens: 5, cost_usd: 0.5 } };
    };
    await store.append(remote('a', 'success', 41, 1000));
    await store.append(remote('b', 'failed', 41, 3000));
    await store.append(remote('c', 'success', 7, 500));
    await store.append(attempt('local', 'success', '2026-11-24T10:00:00Z'));
    const summary = await summarizeMetrics(store.dir, {});
    expect(summary.by_worker).toEqual([
      { host: 'host-b', pid: 41, total: 2, by_status: { success: 1, failed: 1, timeout: 0, cancelled: 0, skipped: 0 }, success_rate: 0.5, average_duration_ms: 2000 },
      { host: 'host-b', pid: 7, total: 1, by_status: { success: 1, failed: 0, timeout: 0, cancelled: 0, skipped: 0 }, success_rate: 1, average_duration_ms: 500 },
    ]);
    // The usage after the worker field still counts, and the history gives the record back whole.
    expect(summary.usage).toMatchObject({ executions_with_usage: 3, input_tokens: 30 });
    const history = await store.history({ limit: 10 });
    expect(history.records.find((record) => record.step_id === 'a')?.worker).toEqual({ id: 'worker-b-41', host: 'host-b', pid: 41 });
  });

  it('has no by_worker when no queue worker ran anything', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    await store.append(attempt('a', 'success', '2026-11-24T10:00:00Z'));
    expect((await summarizeMetrics(store.dir, {})).by_worker).toBeUndefined();
  });

  it('answers empty queries when nothing was recorded, creating nothing', async () => {
    const root = await testdir();
    const store = createMetricsStore(root);
    expect(await store.history({})).toEqual({ records: [], unreadable: {} });
    expect((await store.summarize()).success_rate).toBeNull();
    expect(await readdir(root)).toEqual([]);
  });
});

describe('filters', () => {
  it('parses --since as a duration back from now or an ISO time', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(parseSince('24h', now).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-17T12:00:00.000Z');
    expect(parseSince('2026-11-20', now).toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(() => parseSince('yesterday', now)).toThrow('--since expects an ISO time like "2026-11-23T10:00:00Z" or a duration like "24h" or "7d", got "yesterday"');
  });

  it('checks --status against the vocabulary', () => {
    expect(parseStatusFilter('timeout')).toBe('timeout');
    expect(() => parseStatusFilter('completed')).toThrow('--status expects one of success, failed, timeout, cancelled, skipped, got "completed"');
  });
});
