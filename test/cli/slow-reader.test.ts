// A reader slower than the command (`… --json | a-script`, a pager, ssh): output to a pipe is written asynchronously,
// and the command used to end 100 ms after its work with the rest still queued — a 400-step status came out as its
// first 64 KiB, exit 0. Every command whose output outgrows a pipe's buffer is read here only after a pause (until the
// command exits, or long after it has done its work) and must deliver all of it.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

const STEPS = 400;
const WORKFLOW = ['id: many', 'name: Many', 'steps:', ...Array.from({ length: STEPS }, (_, index) => `  - { id: s${index}, agent: analyst, action: check-prerequisites, params: { env: [HOME] } }`)].join('\n');

/**
 * Runs `tapps-agents <args> | (WAIT; cat)` in bash, as a user's pipeline would: the reader starts reading only once
 * the shell command `wait` has returned. A Node parent cannot stand in for it (it keeps reading a pipe it was told
 * to pause, and Node empties the stream of a child that exits).
 */
function runWithSlowReader(args: readonly string[], cwd: string, wait: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `"${process.execPath}" "${CLI_BIN}" "$@" | (${wait}; cat); exit "\${PIPESTATUS[0]}"`, 'slow-reader', ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ exitCode: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

/** A second after the project's run has ended (state.json folded with its final status). */
const RUN_ENDED = `until grep -qs '"status":"succeeded"' .tapps-agents/workflow-state/*/state.json; do sleep 0.1; done; sleep 1`;

let root: string;
let runId: string;

beforeAll(async () => {
  // One run for the read-only commands (testdir's cleanup belongs to a test, this directory to the file).
  root = await mkdtemp(path.join(tmpdir(), 'tapps-test-'));
  await writeFile(path.join(root, 'wf.yaml'), `${WORKFLOW}\n`);
  const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--no-auto', '--json'], { cwd: root, timeoutMs: 120_000 });
  expect(run.exitCode, run.stderr).toBe(0);
  runId = (JSON.parse(run.stdout.split('\n')[0] as string) as { runId: string }).runId;
}, 150_000);
afterAll(() => rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));

describe('a reader slower than the command gets all of its output', () => {
  it('workflow execute --json: every event, up to run.finished', { timeout: 150_000 }, async () => {
    const project = await testdir({ 'wf.yaml': `${WORKFLOW}\n` });
    const result = await runWithSlowReader(['workflow', 'execute', '--workflow', 'wf.yaml', '--no-auto', '--json'], project, RUN_ENDED);
    expect(result.exitCode, result.stderr).toBe(0);
    const events = result.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { type: string }).type);
    expect(events.filter((type) => type === 'step.finished')).toHaveLength(STEPS);
    expect(events.at(-1)).toBe('run.finished');
  });

  it.each([
    ['workflow status RUN --json', ['workflow', 'status', 'RUN', '--json']],
    ['auto-execution history --json', ['auto-execution', 'history', '--limit', String(STEPS), '--json']],
  ])('%s: the same output as read at once', { timeout: 60_000 }, async (_name, args) => {
    const argv = args.map((arg) => (arg === 'RUN' ? runId : arg));
    const atOnce = await runCli(argv, { cwd: root });
    expect(atOnce.exitCode, atOnce.stderr).toBe(0);
    expect(atOnce.stdout.length).toBeGreaterThan(128 * 1024);
    const slow = await runWithSlowReader(argv, root, 'sleep 2');
    expect(slow.exitCode, slow.stderr).toBe(0);
    expect(slow.stdout.length).toBe(atOnce.stdout.length);
    expect(slow.stdout).toBe(atOnce.stdout);
  });
});
