// Two processes appending to the same daily metrics file at once lose no line and interleave none.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testdir } from '../helpers/testdir.js';

const APPENDER = fileURLToPath(new URL('./fixtures/append-metrics.mjs', import.meta.url));

function append(projectRoot: string, writer: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [APPENDER, projectRoot, writer, String(count)], { timeout: 120_000 }, (error: Error | null) => (error === null ? resolve() : reject(error)));
  });
}

describe('metrics appends from several processes', () => {
  it('two processes × 2,000 lines: all 4,000 present, each a whole record', async () => {
    const root = await testdir();
    await Promise.all([append(root, 'a', 2000), append(root, 'b', 2000)]);
    const text = await readFile(path.join(root, '.tapps-agents/metrics/executions_2026-11-24.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    // An append that sees the other process's write in flight (its last byte not yet a newline) starts on a fresh
    // line: at worst a blank line, which every reader skips — never a record glued onto another.
    const lines = text.split('\n').filter((line) => line !== '');
    expect(lines.length).toBe(4000);
    const steps = lines.map((line) => (JSON.parse(line) as { step_id: string }).step_id);
    expect(new Set(steps).size).toBe(4000);
    for (const writer of ['a', 'b']) {
      // Each writer's own lines stay in the order it wrote them.
      const own = steps.filter((step) => step.startsWith(`${writer}-`)).map((step) => Number(step.slice(2)));
      expect(own).toEqual(Array.from({ length: 2000 }, (_, index) => index));
    }
  });
});
