// An embedding program gets what the CLI gets (issue 19 item 5): metrics and audit as the project's configuration
// says, and no step left running when the program dies of a signal.

import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isProcessAlive } from '../../src/exec/process-alive.js';
import { testdir } from '../helpers/testdir.js';

const PROGRAM = path.resolve(import.meta.dirname, 'fixtures', 'embedding-program.mjs');
const SERIAL = path.resolve(import.meta.dirname, 'fixtures', 'serial-transport.mjs');

function runProgram(root: string, file: string, program = PROGRAM) {
  const child = spawn(process.execPath, [program, root, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}

describe('library defaults match the CLI', () => {
  it('a run from a Node program records metrics and audit without an observer being passed', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.tapps-agents/.keep': '', 'wf.yaml': 'id: lib\nname: Lib\nsteps:\n  - id: hello\n    run: echo hello > hello.txt\n' });
    const program = runProgram(root, path.join(root, 'wf.yaml'));
    expect(await program.exited, program.output()).toEqual({ code: 0, signal: null });
    expect(JSON.parse(program.output())).toMatchObject({ status: 'succeeded' });
    const metricsFiles = await readdir(path.join(root, '.tapps-agents', 'metrics'));
    const records = (await Promise.all(metricsFiles.map((name) => readFile(path.join(root, '.tapps-agents', 'metrics', name), 'utf8')))).join('').trim().split('\n').map((line) => JSON.parse(line) as { step_id: string; status: string });
    expect(records.map((record) => [record.step_id, record.status])).toEqual([['hello', 'success']]);
    const audit = await readFile(path.join(root, '.tapps-agents', 'audit', 'execution_audit.jsonl'), 'utf8');
    expect(audit).toContain('"event":"execution.started"');
  });

  it('a program killed with SIGTERM mid-step takes the step\'s process group with it', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.tapps-agents/.keep': '', 'wf.yaml': 'id: lib\nname: Lib\nsteps:\n  - id: long\n    run: echo $$ > pid; sleep 300\n' });
    const program = runProgram(root, path.join(root, 'wf.yaml'));
    const pid = await vi.waitFor(async () => {
      const text = await readFile(path.join(root, 'pid'), 'utf8');
      const value = Number(text.trim());
      if (!(value > 0)) throw new Error('no pid yet');
      return value;
    }, { timeout: 30_000, interval: 50 });
    program.child.kill('SIGTERM');
    expect((await program.exited).signal).toBe('SIGTERM');
    await vi.waitFor(() => {
      if (isProcessAlive(pid)) throw new Error(`step process ${pid} still alive`);
    }, { timeout: 10_000, interval: 50 });
  });
});

describe('docs/library.md', () => {
  it('its Transport example is the program the test runs, and it runs the parallel steps one at a time', { timeout: 60_000 }, async () => {
    const docs = await readFile(path.resolve(import.meta.dirname, '..', '..', 'docs', 'library.md'), 'utf8');
    expect(docs).toContain(await readFile(SERIAL, 'utf8'));
    const step = (id: string) => `  - id: ${id}\n    needs: []\n    run: date +%s%N > ${id}.start; sleep 0.3; date +%s%N > ${id}.end\n`;
    const root = await testdir({ '.tapps-agents/.keep': '', 'wf.yaml': `id: par\nname: Par\nsteps:\n${step('a')}${step('b')}` });
    const program = runProgram(root, path.join(root, 'wf.yaml'), SERIAL);
    expect(await program.exited, program.output()).toEqual({ code: 0, signal: null });
    expect(JSON.parse(program.output())).toEqual({ status: 'succeeded', transport: 'serial' });
    const time = async (file: string) => BigInt((await readFile(path.join(root, file), 'utf8')).trim());
    const [aStart, aEnd, bStart, bEnd] = await Promise.all(['a.start', 'a.end', 'b.start', 'b.end'].map(time));
    expect((aEnd as bigint) <= (bStart as bigint) || (bEnd as bigint) <= (aStart as bigint)).toBe(true);
  });
});
