import { describe, expect, it } from 'vitest';
import { formatStatus, parseStatusFile, writtenStatus } from './status-file.js';

describe('status files', () => {
  it('reads what this release writes, correlation and runner included', () => {
    const text = formatStatus({
      status: 'completed',
      correlation: { workflow_id: 'wf', run_id: 'run-1', step_id: 'a', attempt: 2 },
      command: '@shell run --script "x"',
      startedAt: '2026-01-01T00:00:00.000Z',
      completedAt: '2026-01-01T00:00:01.000Z',
      runner: { id: 'r', pid: 42, host: 'h' },
      artifacts: ['out.md'],
      outputs: { score: 80 },
      exitCode: 0,
    });
    const parsed = parseStatusFile(text);
    expect(parsed).toMatchObject({
      ok: true,
      report: { shape: 'v1.0', status: 'completed', terminal: true, correlation: { workflow_id: 'wf', run_id: 'run-1', step_id: 'a', attempt: 2 }, artifacts: ['out.md'], outputs: { score: 80 }, runner: { pid: 42 }, exitCode: 0 },
    });
  });

  it("understands the original's v1.0 shape (error object, partial results, metadata ids)", () => {
    const parsed = parseStatusFile(
      JSON.stringify({
        version: '1.0',
        status: 'failed',
        started_at: '2025-12-28T10:15:00',
        progress: { percentage: 50, current_step: 'x', message: 'half' },
        partial_results: { artifacts: ['a.md'], output: 'partial' },
        error: { message: 'boom', code: 'E1', retryable: true, retry_count: 0 },
        metadata: { workflow_id: 'rapid-dev-20251228-101500', step_id: 'enhance', command: '@analyst x' },
      }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      report: { shape: 'v1.0', terminal: true, error: { message: 'boom (reported code E1)', code: 'FAILED', retryable: true }, artifacts: ['a.md'], output: 'partial', correlation: { workflow_id: 'rapid-dev-20251228-101500', step_id: 'enhance' } },
    });
  });

  it('understands the legacy shape, with a string error and the ignored success flag', () => {
    expect(parseStatusFile(JSON.stringify({ workflow_id: 'w', step_id: 's', status: 'failed', success: false, artifacts: [], error: 'it broke' }))).toMatchObject({
      ok: true,
      report: { shape: 'legacy', status: 'failed', terminal: true, error: { message: 'it broke', code: 'FAILED', retryable: false }, correlation: { workflow_id: 'w', step_id: 's' } },
    });
    expect(parseStatusFile(JSON.stringify({ workflow_id: 'w', step_id: 's', status: 'completed', success: true, artifacts: ['r.md'] }))).toMatchObject({
      ok: true,
      report: { shape: 'legacy', terminal: true, artifacts: ['r.md'] },
    });
    expect(parseStatusFile(JSON.stringify({ status: 'running' }))).toMatchObject({ ok: true, report: { terminal: false } });
  });

  it('reports torn and malformed files instead of throwing', () => {
    expect(parseStatusFile('{"version": "1.0", "stat')).toMatchObject({ ok: false });
    expect(parseStatusFile('[1, 2]')).toMatchObject({ ok: false });
    expect(parseStatusFile(JSON.stringify({ version: '1.0', status: 7 }))).toMatchObject({ ok: false });
  });

  it('rejects a status value it does not know, naming it, instead of waiting on it forever', () => {
    expect(parseStatusFile('{"version":"1.0","status":"complete"}')).toEqual({ ok: false, reason: '✖ status "complete" is not one of pending, running, completed, failed\n  → at status'.replaceAll('\n', '; ') });
    expect(parseStatusFile('{"status":"done"}')).toMatchObject({ ok: false });
  });

  it('redacts secrets in what it writes', () => {
    const text = formatStatus({ status: 'failed', correlation: {}, command: '@x y --api-key sk-abcdefghijklmnop', startedAt: 'now', runner: { id: 'r', pid: 1, host: 'h' }, error: { message: 'token=abcdefghijkl', code: 'FAILED', retryable: false } });
    expect(text).not.toContain('sk-abcdefghijklmnop');
    expect(text).not.toContain('abcdefghijkl"');
  });
});

describe('writtenStatus (what the embedded runner hands back)', () => {
  it('gives exactly the report the validating parse gives for what formatStatus wrote, secrets redacted as on disk', () => {
    const runner = { id: 'r', pid: 42, host: 'h' };
    const correlation = { workflow_id: 'wf', run_id: 'run-1', step_id: 'a', attempt: 2 };
    const texts = [
      formatStatus({ status: 'running', correlation, command: '@a b', startedAt: '2026-01-01T00:00:00.000Z', runner, progress: { percentage: 40, message: 'half' } }),
      formatStatus({ status: 'completed', correlation, command: '@a b', startedAt: 's', completedAt: 'c', runner, artifacts: ['out.md'], output: 'done', outputs: { score: 80, nested: { token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } }, usage: { input_tokens: 3, output_tokens: 4, cost_usd: 0.5 }, exitCode: 0 }),
      formatStatus({ status: 'failed', correlation: {}, command: '@x y --api-key sk-abcdefghijklmnop', startedAt: 'now', runner, error: { message: 'token=abcdefghijkl', code: 'TIMEOUT', retryable: true }, exitCode: 1 }),
    ];
    for (const text of texts) {
      const parsed = parseStatusFile(text);
      const written = writtenStatus(text);
      expect(written).toMatchObject({ kind: 'ok' });
      expect(written.kind === 'ok' ? written.report : undefined).toEqual(parsed.ok ? parsed.report : 'not ok');
    }
  });

  it('validates anything formatStatus did not write', () => {
    expect(writtenStatus('{"version":"1.0","status":"complete"}')).toMatchObject({ kind: 'corrupt' });
    expect(writtenStatus('{"version": "1.0", "stat')).toMatchObject({ kind: 'corrupt' });
    expect(writtenStatus(JSON.stringify({ workflow_id: 'w', step_id: 's', status: 'completed', artifacts: ['r.md'] }))).toMatchObject({ kind: 'ok', report: { shape: 'legacy', artifacts: ['r.md'] } });
  });
});
