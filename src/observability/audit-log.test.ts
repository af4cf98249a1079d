import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { createAuditLog } from './audit-log.js';

describe('audit log', () => {
  it('writes one redacted JSON event per line, 0600', async () => {
    const root = await testdir();
    const log = createAuditLog(root);
    await log.append(
      { event: 'command.written', workflow_id: 'wf', run_id: 'r1', step_id: 's1', attempt: 1, actor: 'executor', details: { command: '@analyst x --token abcdefgh1234', env: ['OPENAI_API_KEY=sk-abcdefghijklmnop'] } },
      new Date('2026-11-24T10:00:00Z'),
    );
    const text = await readFile(log.file, 'utf8');
    expect(JSON.parse(text)).toEqual({
      schemaVersion: 1,
      ts: '2026-11-24T10:00:00.000Z',
      event: 'command.written',
      workflow_id: 'wf',
      run_id: 'r1',
      step_id: 's1',
      attempt: 1,
      actor: 'executor',
      details: { command: '@analyst x --token ***REDACTED***', env: ['OPENAI_API_KEY=***REDACTED***'] },
    });
    expect((await stat(log.file)).mode & 0o777).toBe(0o600);
  });

  it('rotates at the size limit keeping five backups, and queries newest first across them', async () => {
    const root = await testdir();
    const log = createAuditLog(root, { maxBytes: 400 });
    for (let index = 0; index < 40; index++) {
      await log.append({ event: index % 2 === 0 ? 'execution.started' : 'execution.completed', step_id: `s${index}` }, new Date(Date.UTC(2026, 10, 24, 0, 0, index)));
    }
    const names = (await readdir(path.dirname(log.file))).filter((name) => !name.endsWith('.lock')).sort();
    expect(names).toEqual(['execution_audit.jsonl', 'execution_audit.jsonl.1', 'execution_audit.jsonl.2', 'execution_audit.jsonl.3', 'execution_audit.jsonl.4', 'execution_audit.jsonl.5']);
    for (const file of log.files()) expect((await stat(file)).size).toBeLessThanOrEqual(400);
    const all = await log.query({ limit: 1000 });
    const steps = all.events.map((event) => Number(event.step_id?.slice(1)));
    // Newest first, contiguous, and the oldest ones dropped with the sixth backup.
    expect(steps[0]).toBe(39);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, index) => 39 - index));
    expect(steps.length).toBeLessThan(40);
    expect(steps.length).toBeGreaterThan(20);
    const completed = await log.query({ event: 'execution.completed', limit: 3 });
    expect(completed.events.map((event) => event.step_id)).toEqual(['s39', 's37', 's35']);
    const since = await log.query({ since: new Date(Date.UTC(2026, 10, 24, 0, 0, 37)) });
    expect(since.events.map((event) => event.step_id)).toEqual(['s39', 's38', 's37']);
  });

  it('rotates once when several processes find the log full at the same time', async () => {
    const root = await testdir();
    const writers = Array.from({ length: 4 }, () => createAuditLog(root, { maxBytes: 2500 }));
    await Promise.all(writers.flatMap((log, writer) => Array.from({ length: 25 }, (_, index) => log.append({ event: 'execution.heartbeat', step_id: `w${writer}-${index}` }))));
    const result = await writers[0]?.query({ limit: 1000 });
    // 100 events of ~110 bytes over ≤ 6 files of 2500 bytes: all kept, none duplicated or torn.
    expect(result?.unreadable).toEqual({});
    expect(new Set(result?.events.map((event) => event.step_id)).size).toBe(result?.events.length);
    expect(result?.events.length).toBe(100);
  });

  it('skips and counts corrupt lines and unknown events', async () => {
    const root = await testdir();
    const log = createAuditLog(root);
    await log.append({ event: 'runner.started', actor: 'runner:1' });
    await appendFile(log.file, 'garbage\n{"ts":"2026-11-24T00:00:00Z","event":"made.up"}\n{"ts":"2026');
    const result = await log.query();
    expect(result.events.map((event) => event.event)).toEqual(['runner.started']);
    expect(result.unreadable).toEqual({ 'execution_audit.jsonl': 3 });
  });
});
