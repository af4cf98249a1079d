import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { DEFAULTS } from '../config/defaults.js';
import { createObserver } from './create-observer.js';
import { setDebugMode } from './debug-mode.js';
import type { ExecutionRecord } from './observer.js';

const config = (features: Partial<Record<keyof typeof DEFAULTS.autoExecution.features, boolean>> = {}) => ({
  autoExecution: {
    enabled: true,
    retry: { enabled: true, maxAttempts: 3, backoffMultiplier: 2, initialDelayMs: 1000 },
    polling: { enabled: true, intervalMs: 5000, timeoutMs: 3_600_000 },
    features: { ...DEFAULTS.autoExecution.features, ...features },
  },
});

const record: Omit<ExecutionRecord, 'schemaVersion' | 'ts'> = {
  execution_id: 'r/s/1',
  workflow_id: 'wf',
  run_id: 'r',
  step_id: 's',
  agent: 'tester',
  action: 'run-tests',
  command: '@tester run-tests',
  status: 'success',
  duration_ms: 10,
  retry_count: 0,
  started_at: '2026-11-24T10:00:00.000Z',
  completed_at: '2026-11-24T10:00:00.010Z',
  error_message: null,
  usage: null,
};

describe('createObserver', () => {
  it('records metrics and audit events when the features are on', async () => {
    const root = await testdir();
    const observer = createObserver(root, config());
    await observer.recordExecution(record);
    await observer.audit({ event: 'execution.completed', step_id: 's' });
    expect(await readdir(path.join(root, '.tapps-agents/metrics'))).toEqual(['executions_2026-11-24.jsonl']);
    expect(await readFile(path.join(root, '.tapps-agents/audit/execution_audit.jsonl'), 'utf8')).toContain('"event":"execution.completed"');
  });

  it('writes nothing when metrics_collection and audit_logging are off', async () => {
    const root = await testdir();
    const observer = createObserver(root, config({ metrics_collection: false, audit_logging: false }));
    await observer.recordExecution(record);
    await observer.audit({ event: 'execution.completed' });
    expect(await readdir(root)).toEqual([]);
  });

  it('audits heartbeats only in debug mode', async () => {
    const root = await testdir();
    await createObserver(root, config()).audit({ event: 'execution.heartbeat' });
    expect(await readdir(root)).toEqual([]);
    await setDebugMode(root, true);
    await createObserver(root, config()).audit({ event: 'execution.heartbeat' });
    expect(await readFile(path.join(root, '.tapps-agents/audit/execution_audit.jsonl'), 'utf8')).toContain('"event":"execution.heartbeat"');
  });

  it('never throws into the caller when the files cannot be written, and logs the error in debug mode', async () => {
    const root = await testdir();
    await setDebugMode(root, true);
    // A file where the metrics and audit directories should be.
    await writeFile(path.join(root, '.tapps-agents/metrics'), 'not a directory');
    await writeFile(path.join(root, '.tapps-agents/audit'), 'not a directory');
    const observer = createObserver(root, config(), { actor: 'runner-7' });
    await expect(observer.recordExecution(record)).resolves.toBeUndefined();
    await expect(observer.audit({ event: 'execution.failed' })).resolves.toBeUndefined();
    const lines = (await readFile(path.join(root, '.tapps-agents/logs/runner-7.log'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.level, line.msg, line.actor])).toEqual([
      [20, 'step attempt finished', 'runner-7'],
      [50, 'could not record execution metrics', 'runner-7'],
      [20, 'execution.failed', 'runner-7'],
      [50, 'could not write audit event', 'runner-7'],
    ]);
  });

  it('logs pino JSON lines with secrets redacted only while debug mode is on', async () => {
    const root = await testdir();
    const observer = createObserver(root, config());
    observer.logger.info('not written');
    expect(await readdir(root)).toEqual([]);
    await setDebugMode(root, true);
    const debugging = createObserver(root, config());
    debugging.logger.debug('claimed command', { command: '@x y --api-key sk-abcdefghijklmnop', step_id: 's' });
    const text = await readFile(path.join(root, '.tapps-agents/logs/executor.log'), 'utf8');
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 20, msg: 'claimed command', actor: 'executor', pid: process.pid, command: '@x y --api-key ***REDACTED***', step_id: 's' });
    expect(typeof line.time).toBe('string');
  });

  it('keeps going when the log directory cannot be created', async () => {
    const root = await testdir();
    await setDebugMode(root, true);
    await mkdir(path.join(root, '.tapps-agents'), { recursive: true });
    await writeFile(path.join(root, '.tapps-agents/logs'), 'not a directory');
    await chmod(path.join(root, '.tapps-agents/logs'), 0o400);
    const observer = createObserver(root, config());
    expect(() => observer.logger.error('lost')).not.toThrow();
  });
});
