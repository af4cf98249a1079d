// Issue 14, classes 4 and 6, with the built CLI in fresh projects: a FIFO where any file is read never blocks (each
// entry point refuses it or skips it with a message), and the inputs that used to crash with exit 70 end with a
// clear message and a documented exit code.

import { spawnSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI_BIN, runCli, startCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { waitFor } from '../helpers/wait-for.js';
import { BACKGROUND_AGENTS } from './project.js';

const SHELL = 'id: demo\nsteps:\n  - id: hello\n    run: echo hi\n';
const FIFO_REFUSAL = (file: string) => `${file} is a FIFO (named pipe), not a regular file; tapps-agents reads only regular files here. Remove it (or replace it with a regular file).`;

function mkfifo(file: string): void {
  expect(spawnSync('mkfifo', [file]).status).toBe(0);
}

/** A project with one finished inline run; returns its root and run id. */
async function projectWithRun(): Promise<{ root: string; runId: string }> {
  const root = await testdir({ 'wf/w.yaml': SHELL });
  const result = await runCli(['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], { cwd: root });
  expect(result.exitCode, result.stderr).toBe(0);
  const [runId] = await readdir(path.join(root, '.tapps-agents', 'workflow-state'));
  return { root, runId: runId as string };
}

describe('a FIFO where a file is read never blocks (every entry point)', () => {
  const day = new Date().toISOString().slice(0, 10);
  // Where the FIFO goes, the command that reads it, and what it must answer.
  const CASES: { name: string; fifo: string; args: string[]; exit: number; stderr: (root: string) => string }[] = [
    { name: 'workflow file', fifo: 'wf/fifo.yaml', args: ['workflow', 'validate', 'wf/fifo.yaml'], exit: 2, stderr: () => 'wf/fifo.yaml: is a FIFO (named pipe), expected a YAML file; remove it and write a regular file' },
    { name: 'workflow file (execute)', fifo: 'wf/fifo.yaml', args: ['workflow', 'execute', '--workflow', 'wf/fifo.yaml', '--no-auto'], exit: 2, stderr: () => 'wf/fifo.yaml: is a FIFO (named pipe), expected a YAML file' },
    { name: 'config file', fifo: '.tapps-agents/config.yaml', args: ['config', 'show'], exit: 2, stderr: () => '.tapps-agents/config.yaml: is a FIFO (named pipe), expected a YAML file' },
    { name: 'auto-execution config', fifo: '.tapps-agents/auto_execution_config.yaml', args: ['config', 'show'], exit: 2, stderr: () => '.tapps-agents/auto_execution_config.yaml: is a FIFO (named pipe), expected a YAML file' },
    { name: 'background agents config', fifo: '.cursor/background-agents.yaml', args: ['background-agent-config', 'validate'], exit: 2, stderr: () => '.cursor/background-agents.yaml: is a FIFO (named pipe), expected a YAML file' },
    { name: 'command file', fifo: 'cmd.txt', args: ['workflow', 'execute-skill-command', '--command-file', 'cmd.txt'], exit: 2, stderr: (root) => `error: ${FIFO_REFUSAL(path.join(root, 'cmd.txt'))}` },
    { name: 'state.json', fifo: '.tapps-agents/workflow-state/fifo-run/state.json', args: ['workflow', 'status', 'fifo-run'], exit: 65, stderr: (root) => `Run fifo-run is damaged: ${path.join(root, '.tapps-agents/workflow-state/fifo-run/state.json')} is a FIFO (named pipe), not a file` },
    { name: 'runner status', fifo: '.tapps-agents/runner/status.json', args: ['background-agent', 'status'], exit: 1, stderr: () => '' },
    { name: 'metrics file', fifo: `.tapps-agents/metrics/executions_${day}.jsonl`, args: ['auto-execution', 'history'], exit: 2, stderr: (root) => `error: ${FIFO_REFUSAL(path.join(root, `.tapps-agents/metrics/executions_${day}.jsonl`))}` },
    { name: 'audit log (appended by a run)', fifo: '.tapps-agents/audit/execution_audit.jsonl', args: ['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], exit: 0, stderr: () => '' },
    { name: 'metrics file (appended by a run)', fifo: `.tapps-agents/metrics/executions_${day}.jsonl`, args: ['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], exit: 0, stderr: () => '' },
  ];

  it.each(CASES)('$name: exit $exit with a clear message', { timeout: 60_000 }, async ({ fifo, args, exit, stderr }) => {
    const root = await testdir({ 'wf/w.yaml': SHELL, '.cursor/.keep': '' });
    await mkdir(path.dirname(path.join(root, fifo)), { recursive: true });
    mkfifo(path.join(root, fifo));
    // A read that blocked on the FIFO would hit this timeout (exit 1 from execFile's kill), never the expected code.
    const result = await runCli(args, { cwd: root, timeoutMs: 30_000 });
    expect({ exit: result.exitCode, stderr: result.stderr }).toMatchObject({ exit });
    expect(result.stderr).toContain(stderr(root));
    expect(result.stderr).not.toMatch(/internal error|^\s+at /m);
  });

  it('a run with a FIFO state.json is reported damaged by workflow list; the others are listed', { timeout: 60_000 }, async () => {
    const { root, runId } = await projectWithRun();
    await mkdir(path.join(root, '.tapps-agents/workflow-state/fifo-run'));
    mkfifo(path.join(root, '.tapps-agents/workflow-state/fifo-run/state.json'));
    const result = await runCli(['workflow', 'list'], { cwd: root });
    expect(result.stdout + result.stderr).toContain(runId);
    expect(result.stdout + result.stderr).toContain('fifo-run');
    expect(result.stderr).not.toMatch(/internal error|^\s+at /m);
  });

  /** Starts `workflow execute --manual` of a one-step workflow and waits for its command file. */
  async function manualRun(timeout: string) {
    const root = await testdir({ 'wf/w.yaml': `id: demo\nsteps:\n  - id: hello\n    run: echo hi\n    timeout: ${timeout}\n` });
    const child = startCli(['workflow', 'execute', '--workflow', 'wf/w.yaml', '--manual'], { cwd: root }).child;
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const statusFile = await waitFor(async () => {
      const runs = await readdir(path.join(root, '.tapps-agents/workflow-state')).catch((): string[] => []);
      for (const run of runs) {
        const dir = path.join(root, '.tapps-agents/workflow-state', run, 'steps', 'hello', '.cursor');
        const names = await readdir(dir).catch((): string[] => []);
        if (names.includes('.cursor-skill-command.txt')) return path.join(dir, '.cursor-skill-status.json');
      }
      return undefined;
    }, 'command file', 30_000);
    mkfifo(statusFile);
    return { child, exited, output: () => output };
  }

  it('a step with timeout: 3s times out although its status file is a FIFO', { timeout: 60_000 }, async () => {
    const run = await manualRun('3s');
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('Step did not finish within 3s; its status file');
    expect(run.output()).toContain('is a FIFO (named pipe), not a regular file');
  });

  it('SIGTERM still stops the executor waiting on a FIFO status file', { timeout: 60_000 }, async () => {
    const run = await manualRun('10m');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(130);
  });
});

describe('inputs that used to crash end with a clear message (class 6)', () => {
  it.each([
    ['20,000 nested parentheses', `${'('.repeat(20_000)}true${')'.repeat(20_000)}`, 'parentheses and "!" nest more than 64 deep; simplify the condition'],
    ['a 60,000-term || chain', Array.from({ length: 60_000 }, () => 'false').join(' || '), 'more than 1000 conditions joined by "&&"/"||"; split the step or simplify the condition'],
  ])('a condition of %s is a validation error with file:line', { timeout: 60_000 }, async (_label, condition, message) => {
    const root = await testdir({ 'wf/w.yaml': `id: demo\nsteps:\n  - id: hello\n    run: echo hi\n    condition: "${condition}"\n` });
    const result = await runCli(['workflow', 'validate', 'wf/w.yaml'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/wf\/w\.yaml:5:\d+: /);
    expect(result.stderr).toContain(message);
    expect(result.stderr.length).toBeLessThan(2000);
  });

  it('history --since 99999999999d is a usage error', async () => {
    const root = await testdir();
    const result = await runCli(['auto-execution', 'history', '--since', '99999999999d'], { cwd: root });
    expect(result).toMatchObject({ exitCode: 2, stderr: 'error: --since "99999999999d" reaches too far back: a duration must be at most 365d (the longest duration tapps-agents accepts); give an ISO time like "2026-01-01" for older records\n' });
  });

  it('a deleted working directory is exit 2 with a message', async () => {
    const root = await testdir();
    const script = `mkdir gone && cd gone && rmdir ../gone && exec "${process.execPath}" "${CLI_BIN}" workflow list`;
    const result = spawnSync('sh', ['-c', script], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 2,
      stderr: 'error: the current directory no longer exists (it was deleted or moved away); cd into an existing directory, then run the command again.\n',
    });
  });

  const canMount = process.platform === 'linux' && process.getuid?.() === 0;
  it.skipIf(!canMount)('a read-only .tapps-agents is exit 1 with a message (needs root to mount a read-only tmpfs)', { timeout: 60_000 }, async () => {
    const root = await testdir({ 'wf/w.yaml': SHELL, '.tapps-agents/.keep': '' });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', path.join(root, '.tapps-agents')], { encoding: 'utf8' });
    if (mounted.status !== 0) return; // no mount permission in this container: nothing to test
    onTestFinished(() => {
      spawnSync('umount', [path.join(root, '.tapps-agents')]);
    });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], { cwd: root });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: Cannot create the directory .*\.tapps-agents\/workflow-state\/demo-[^:]+: the file system is read-only \(EROFS\)\. tapps-agents keeps its state and logs in the project's \.tapps-agents directory; make it writable, then run the command again\.$/m);
  });

  it('two background-agent start at once: both exit 0 and name the same running pid', { timeout: 90_000 }, async () => {
    const root = await testdir({ '.cursor/background-agents.yaml': BACKGROUND_AGENTS });
    onTestFinished(async () => {
      await runCli(['background-agent', 'stop', '--grace', '0'], { cwd: root });
    });
    const [first, second] = await Promise.all([runCli(['background-agent', 'start', '--json'], { cwd: root }), runCli(['background-agent', 'start', '--json'], { cwd: root })]);
    expect([first.exitCode, second.exitCode], `${first.stderr}\n${second.stderr}`).toEqual([0, 0]);
    const [a, b] = [JSON.parse(first.stdout) as { pid: number; already_running: boolean }, JSON.parse(second.stdout) as { pid: number; already_running: boolean }];
    expect(a.pid).toBe(b.pid);
    expect([a.already_running, b.already_running].sort()).toEqual([false, true]);
  });
});

