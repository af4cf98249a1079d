// A reader that goes away early (`… | head`): EPIPE on stdout ends the output quietly, never the command (issue 14,
// class 8). Every command that prints is run with its stdout closed before it writes a byte — or, for a run, after
// the first line, as `head -1` does — and must exit as it would have, with no stack trace, its work done.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

interface ClosedRun {
  exitCode: number | null;
  stderr: string;
}

/** Runs the CLI with a stdout pipe whose reading end is closed at once, or once the first line has arrived. */
function runWithClosedStdout(args: readonly string[], cwd: string, after: 'start' | 'first line'): Promise<ClosedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const close = () => child.stdout.destroy();
    if (after === 'start') close();
    else child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('\n') && close());
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tapps-agents ${args.join(' ')} did not exit within 90 s; stderr: ${stderr}`));
    }, 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stderr });
    });
  });
}

const WORKFLOW = 'id: piped\nname: Piped\nsteps:\n  - id: first\n    run: echo one\n  - id: second\n    depends_on: [first]\n    run: echo done > done.txt\n';

async function project(): Promise<{ root: string; runId: string }> {
  const root = await testdir({ 'wf.yaml': WORKFLOW, '.tapps-agents/config.yaml': 'workflow:\n  runner: embedded\n' });
  const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--no-auto', '--json'], { cwd: root });
  expect(run.exitCode, run.stderr).toBe(0);
  const runId = (JSON.parse(run.stdout.split('\n')[0] as string) as { runId: string }).runId;
  return { root, runId };
}

describe('stdout closed by its reader', () => {
  it.each([
    ['workflow execute (auto-execution on)', ['workflow', 'execute', '--workflow', 'wf.yaml', '--auto'], 'first line'],
    ['workflow execute --no-auto', ['workflow', 'execute', '--workflow', 'wf.yaml', '--no-auto'], 'first line'],
    ['workflow execute --json | head -1', ['workflow', 'execute', '--workflow', 'wf.yaml', '--json'], 'first line'],
    ['workflow execute before its first line', ['workflow', 'execute', '--workflow', 'wf.yaml'], 'start'],
  ] as const)('%s: the run still finishes and succeeds, exit 0, no stack trace', { timeout: 120_000 }, async (_name, args, after) => {
    const root = await testdir({ 'wf.yaml': WORKFLOW, '.tapps-agents/config.yaml': 'workflow:\n  runner: embedded\n' });
    const result = await runWithClosedStdout(args, root, after);
    expect(result.exitCode, result.stderr).toBe(0);
    // Notices (which runner serves the run) still go to stderr; a crash would add a stack trace there.
    expect(result.stderr).not.toMatch(/internal error|EPIPE|\n\s+at /);
    expect(await readFile(path.join(root, 'done.txt'), 'utf8')).toBe('done\n');
    const list = JSON.parse((await runCli(['workflow', 'list', '--json'], { cwd: root })).stdout) as { runs: { status: string }[] };
    expect(list.runs.map((run) => run.status)).toEqual(['succeeded']);
  });

  it('every other command that prints ends quietly with its usual exit code', { timeout: 300_000 }, async () => {
    const { root, runId } = await project();
    const table: [string[], number][] = [
      [['--help'], 0],
      [['--version'], 0],
      [['agents', 'list'], 0],
      [['agents', 'list', '--json'], 0],
      [['config', 'show'], 0],
      [['config', 'show', '--json'], 0],
      [['workflow', 'list'], 0],
      [['workflow', 'list', '--json'], 0],
      [['workflow', 'status', runId], 0],
      [['workflow', 'status', runId, '--json'], 0],
      [['workflow', 'validate', 'wf.yaml'], 0],
      [['workflow', 'presets'], 0],
      [['auto-execution', 'status'], 0],
      [['auto-execution', 'history'], 0],
      [['auto-execution', 'history', '--json'], 0],
      [['auto-execution', 'metrics'], 0],
      [['auto-execution', 'audit'], 0],
      [['background-agent', 'status'], 1],
      [['workflow', 'status', 'no-such-run'], 2],
    ];
    const results: [string, ClosedRun][] = [];
    for (const [args] of table) {
      const result = await runWithClosedStdout(args, root, 'start');
      results.push([args.join(' '), { exitCode: result.exitCode, stderr: result.stderr.includes('internal error') || result.stderr.includes('EPIPE') ? result.stderr : '' }]);
    }
    expect(results).toEqual(table.map(([args, code]) => [args.join(' '), { exitCode: code, stderr: '' }]));
  });
});
