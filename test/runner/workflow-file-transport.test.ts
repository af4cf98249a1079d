// Workflows through the file transport, as a user runs them: the embedded runner, the daemon, runner: external with
// no runner, manual execution, and a runner killed mid-step during a real run.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { startRunnerProcess, terminalStatus } from './helpers.js';
import { waitFor } from '../helpers/wait-for.js';

const CONFIG = (runner: string) => `workflow:\n  auto_execution_enabled: true\n  runner: ${runner}\n`;
const WORKFLOW = `id: demo
name: Demo
steps:
  - id: one
    run: echo one > one.txt
    creates: [one.txt]
  - id: two
    run: echo two > two.txt
`;

describe('workflow execute with auto-execution', () => {
  it('runs an embedded runner when none is alive, and says so', async () => {
    const root = await testdir({ '.tapps-agents/config.yaml': CONFIG('auto'), 'wf.yaml': WORKFLOW });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('Auto-execution: no background agent is running, so one runs inside this process for this run (start a shared one with "tapps-agents background-agent start").');
    expect(result.stdout).toContain('transport file');
    expect(await readFile(path.join(root, 'two.txt'), 'utf8')).toBe('two\n');
    const runId = /Run (\S+) started/.exec(result.stdout)?.[1] as string;
    expect(await terminalStatus(path.join(root, '.tapps-agents', 'workflow-state', runId, 'steps', 'one'))).toMatchObject({ status: 'completed', correlation: { run_id: runId, step_id: 'one', attempt: 1 } });
  });

  it('hands steps to the running background agent', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.tapps-agents/config.yaml': CONFIG('external'), 'wf.yaml': WORKFLOW });
    const runner = await startRunnerProcess(root);
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`Auto-execution: steps go to the background agent (pid ${runner.pid}).`);
    const runId = /Run (\S+) started/.exec(result.stdout)?.[1] as string;
    expect(await terminalStatus(path.join(root, '.tapps-agents', 'workflow-state', runId, 'steps', 'two'))).toMatchObject({ status: 'completed', runner: { pid: runner.pid } });
  });

  it('fails at once with runner: external and no background agent, saying how to start one', async () => {
    const root = await testdir({ '.tapps-agents/config.yaml': CONFIG('external'), 'wf.yaml': WORKFLOW });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root });
    expect(result).toEqual({
      exitCode: 1,
      stdout: '',
      stderr:
        'error: Auto-execution is on and workflow.runner is "external", but no background agent is running for this project. Start one with "tapps-agents background-agent start" (check it with "tapps-agents background-agent status"), or set workflow.runner: auto in .tapps-agents/config.yaml to run one inside workflow execute.\n',
    });
  });

  it('completes the run when its runner is killed mid-step: the step is retried once', { timeout: 90_000 }, async () => {
    const env = { TAPPS_AGENTS_HEARTBEAT_MS: '200' };
    const root = await testdir({
      '.tapps-agents/config.yaml': CONFIG('external'),
      '.tapps-agents/auto_execution_config.yaml': 'auto_execution:\n  enabled: true\n  polling:\n    interval_seconds: 0.1\n  retry:\n    initial_delay_seconds: 0.1\n',
      'wf.yaml': `id: crash\nname: Crash\nsteps:\n  - id: slow\n    run: echo ran >> runs.log; sleep 2\n`,
    });
    const runner = await startRunnerProcess(root, { env });
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--json'], { cwd: root, env }).child;
    const exited = new Promise<number | null>((resolve) => run.on('exit', resolve));
    let output = '';
    run.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await waitFor(async () => ((await readFile(path.join(root, 'runs.log'), 'utf8').catch(() => '')) === '' ? undefined : true), 'step started', 30_000);
    runner.child.kill('SIGKILL');
    await startRunnerProcess(root, { env });
    expect(await exited).toBe(0);
    const events = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type?: string; event?: string; attempt?: number; nextAttempt?: number; status?: string; error?: string })
      .filter((event) => ['step.retry', 'step.finished'].includes(event.type ?? event.event ?? ''));
    expect(events.map((event) => [event.type ?? event.event, event.attempt])).toEqual([
      ['step.retry', 1],
      ['step.finished', 2],
    ]);
    expect(events[0]?.error).toContain('stopped sending heartbeats and is gone; the step can be retried');
    expect(events[1]?.status).toBe('succeeded');
    expect(await readFile(path.join(root, 'runs.log'), 'utf8')).toBe('ran\nran\n');
  });
});

describe('workflow execute when the shared background agent goes away mid-run (workflow.runner: auto)', () => {
  const crashProject = () =>
    testdir({
      '.tapps-agents/config.yaml': CONFIG('auto'),
      '.tapps-agents/auto_execution_config.yaml': 'auto_execution:\n  enabled: true\n  polling:\n    interval_seconds: 0.1\n  retry:\n    initial_delay_seconds: 0.1\n',
      'wf.yaml': `id: handover\nname: Handover\nsteps:\n  - id: slow\n    run: echo ran >> runs.log; sleep 2\n  - id: after\n    run: echo after >> runs.log\n`,
    });

  for (const how of ['killed with SIGKILL', 'stopped with background-agent stop'] as const) {
    it(`finishes the run on a runner inside the executor when the daemon is ${how}`, { timeout: 90_000 }, async () => {
      const env = { TAPPS_AGENTS_HEARTBEAT_MS: '200' };
      const root = await crashProject();
      const runner = await startRunnerProcess(root, { env });
      const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root, env }).child;
      const exited = new Promise<number | null>((resolve) => run.on('exit', resolve));
      let stderr = '';
      run.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      run.stdout.resume();
      await waitFor(async () => ((await readFile(path.join(root, 'runs.log'), 'utf8').catch(() => '')) === '' ? undefined : true), 'step started', 30_000);
      if (how === 'killed with SIGKILL') runner.child.kill('SIGKILL');
      else expect((await runCli(['background-agent', 'stop', '--grace', '100ms'], { cwd: root, env })).exitCode).toBe(0);
      expect(await exited).toBe(0);
      expect(stderr).toContain(`Auto-execution: the background agent (pid ${runner.child.pid}) is gone; the remaining steps run on one inside this process.`);
      const lines = (await readFile(path.join(root, 'runs.log'), 'utf8')).split('\n').filter(Boolean);
      expect(lines.filter((line) => line === 'after')).toEqual(['after']);
      // Killed: the interrupted step runs again on the new runner. Stopped: it may finish within the stop's grace period.
      if (how === 'killed with SIGKILL') expect(lines.filter((line) => line === 'ran')).toEqual(['ran', 'ran']);
      else expect(lines.filter((line) => line === 'ran').length).toBeGreaterThanOrEqual(1);
    });
  }
});

describe('workflow resume with the file transport', () => {
  it('re-dispatches the interrupted attempt when the executor (and its embedded runner) was killed mid-step', { timeout: 90_000 }, async () => {
    const root = await testdir({ '.tapps-agents/config.yaml': CONFIG('auto'), 'wf.yaml': `id: killed\nname: Killed\nsteps:\n  - id: slow\n    run: echo ran >> runs.log; sleep 1\n  - id: after\n    run: echo after > after.txt\n` });
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root }).child;
    const exited = new Promise((resolve) => run.on('exit', resolve));
    let stdout = '';
    run.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    await waitFor(async () => ((await readFile(path.join(root, 'runs.log'), 'utf8').catch(() => '')) === '' ? undefined : true), 'step started', 30_000);
    run.kill('SIGKILL');
    await exited;
    const runId = /Run (\S+) started/.exec(stdout)?.[1] as string;
    const resumed = await runCli(['workflow', 'resume', runId], { cwd: root });
    expect(resumed.exitCode).toBe(0);
    expect(await readFile(path.join(root, 'after.txt'), 'utf8')).toBe('after\n');
    const state = JSON.parse(await readFile(path.join(root, '.tapps-agents', 'workflow-state', runId, 'state.json'), 'utf8')) as { steps: Record<string, { status: string; attempt: number }> };
    expect(state.steps.slow).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(await readFile(path.join(root, 'runs.log'), 'utf8')).toBe('ran\nran\n');
  });
});

describe('workflow execute --manual', () => {
  it('writes each command file and instructions, says where, and continues when anyone writes the status', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.tapps-agents/config.yaml': CONFIG('auto'), 'wf.yaml': `id: hand\nname: By hand\nsteps:\n  - id: only\n    run: echo by-hand > hand.txt\n` });
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--manual'], { cwd: root }).child;
    const exited = new Promise<number | null>((resolve) => run.on('exit', resolve));
    let stderr = '';
    run.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const commandFile = await waitFor(() => Promise.resolve(/ {2}command file: (\S+)/.exec(stderr)?.[1]), 'manual notice', 30_000);
    expect(stderr).toContain('Manual execution: each step writes a command file and instructions, then waits for its status file.');
    expect(stderr).toContain(`  instructions: ${path.join(path.dirname(commandFile), '.cursor-skill-instructions.md')}`);
    // A person runs it by hand, as the instructions say.
    const byHand = await runCli(['workflow', 'execute-skill-command', '--command-file', commandFile], { cwd: root });
    expect(byHand.exitCode).toBe(0);
    expect(await exited).toBe(0);
    expect(await readFile(path.join(root, 'hand.txt'), 'utf8')).toBe('by-hand\n');
  });
});

describe('the seed fixtures', () => {
  it('serves a plain one-line command file in .cursor/ and answers beside it', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    await startRunnerProcess(root);
    await mkdir(path.join(root, '.cursor'), { recursive: true });
    await writeFile(path.join(root, '.cursor', '.cursor-skill-command.txt'), '@shell run --script "echo seed > seed.txt"\n');
    expect(await waitFor(() => terminalStatus(root), 'status', 30_000)).toMatchObject({ status: 'completed' });
    expect(await readFile(path.join(root, 'seed.txt'), 'utf8')).toBe('seed\n');
  });
});
