// An attempt's lifecycle across processes (issue 14, classes 7, 9, 10 and the stale runner pid): a command file that
// outlives its attempt is never run again; a timeout is a timeout in metrics on every transport; a runner SIGKILLed
// mid-step has its step stopped before the retry runs; an adopted result keeps its own duration; `background-agent
// stop` signals only the process that was recorded.

import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isProcessAlive } from '../../src/exec/process-alive.js';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { terminalStatus } from '../runner/helpers.js';
import { waitFor } from '../helpers/wait-for.js';
import { CRASH_ENV, spawnExecutor, startRunner } from './crash-harness.js';
import { AUTO_EXECUTION, autoProject, BACKGROUND_AGENTS } from './project.js';

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
}

function runIdOf(stdout: string): string {
  const id = /Run (\S+) started/.exec(stdout)?.[1];
  if (id === undefined) throw new Error(`no run id in: ${stdout}`);
  return id;
}

interface AuditEvent {
  event: string;
  details: { command_file?: string; reason?: string };
}

async function audit(root: string, event: string): Promise<AuditEvent[]> {
  const shown = await runCli(['auto-execution', 'audit', '--event', event, '--json'], { cwd: root });
  return (JSON.parse(shown.stdout) as { events: AuditEvent[] }).events;
}

describe('a command file left by a run that is over', () => {
  it('is removed unrun by a background agent started later: the side effect happens once, the completed status stays', { timeout: 180_000 }, async () => {
    const workflow = 'id: once\nname: Once\nsteps:\n  - id: touch\n    run: echo ran >> side-effect.txt\n';
    const root = await autoProject({ 'wf.yaml': workflow }, CRASH_ENV);
    await startRunner(root);
    const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root, env: CRASH_ENV, timeoutMs: 90_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const runId = runIdOf(run.stdout);
    expect(await lines(path.join(root, 'side-effect.txt'))).toEqual(['ran']);
    await runCli(['background-agent', 'stop'], { cwd: root, env: CRASH_ENV });

    const cursor = path.join(root, '.tapps-agents', 'workflow-state', runId, 'steps', 'touch', '.cursor');
    const statusFile = path.join(cursor, '.cursor-skill-status.json');
    const statusBefore = await readFile(statusFile, 'utf8');
    const stateFile = path.join(root, '.tapps-agents', 'workflow-state', runId, 'state.json');
    const succeeded = await readFile(stateFile, 'utf8');
    const state = JSON.parse(succeeded) as { status: string; completed_at: string; steps: { touch: { status: string; completed_at: string } } };
    // The run as it is (succeeded); cancelled; and one still marked running (its executor gone) whose attempt 1 had
    // already ended: each leaves the same command file behind, and none of them may run it again.
    const cases = [
      { name: 'succeeded', state: succeeded, reason: `run ${runId} is succeeded (${stateFile}); a command file it left behind is not run again` },
      { name: 'cancelled', state: JSON.stringify({ ...state, status: 'cancelled' }), reason: `run ${runId} is cancelled (${stateFile}); a command file it left behind is not run again` },
      {
        name: 'attempt ended',
        state: JSON.stringify({ ...state, status: 'running', completed_at: null, executor: { pid: 999_999_999, host: 'gone' } }),
        reason: `attempt 1 of step touch of run ${runId} already ended (succeeded at ${state.steps.touch.completed_at}, ${stateFile}); it is not run again`,
      },
    ];
    const commandFile = path.join(cursor, '.cursor-skill-command.txt');
    // The claimed copy is the command file exactly as the executor wrote it.
    const leftover = await readFile(path.join(cursor, '.cursor-skill-command.claimed'), 'utf8');
    const executions = (await audit(root, 'execution.started')).length;
    for (const [index, { name, state: text, reason }] of cases.entries()) {
      await writeFile(stateFile, text);
      await writeFile(commandFile, leftover);
      await startRunner(root);
      const refused = await waitFor(async () => {
        const events = await audit(root, 'command.refused');
        return events.length === index + 1 ? events : undefined;
      }, `the ${name} run's command file refused`, 60_000);
      expect(refused.map((event) => event.details)).toContainEqual({ command_file: commandFile, reason });
      expect(await readdir(cursor), name).not.toContain('.cursor-skill-command.txt');
      expect(await readdir(cursor), name).not.toContain('.cursor-skill-command.claimed');
      expect(await readFile(statusFile, 'utf8'), name).toBe(statusBefore);
      expect(await lines(path.join(root, 'side-effect.txt')), name).toEqual(['ran']);
      await runCli(['background-agent', 'stop'], { cwd: root, env: CRASH_ENV });
    }
    expect(await audit(root, 'execution.started')).toHaveLength(executions);
  });
});

describe('a step that times out', () => {
  it.each([
    ['with auto-execution on (a runner in the executor)', ['--auto']],
    ['with auto-execution off (inline)', ['--no-auto']],
  ])('is recorded as timeout in metrics %s, and history --status timeout finds it', { timeout: 120_000 }, async (_name, flags) => {
    const root = await testdir({
      'wf.yaml': 'id: slow\nname: Slow\nsteps:\n  - id: wait\n    timeout: 1s\n    run: sleep 30\n',
      '.tapps-agents/config.yaml': 'workflow:\n  runner: embedded\n',
      '.tapps-agents/auto_execution_config.yaml': 'auto_execution:\n  retry:\n    enabled: false\n',
    });
    const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', ...flags], { cwd: root, timeoutMs: 90_000 });
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const history = await runCli(['auto-execution', 'history', '--status', 'timeout', '--json'], { cwd: root });
    const records = (JSON.parse(history.stdout) as { executions: { step_id: string; status: string }[] }).executions;
    expect(records.map((record) => [record.step_id, record.status])).toEqual([['wait', 'timeout']]);
    const failed = await runCli(['auto-execution', 'history', '--status', 'failed', '--json'], { cwd: root });
    expect((JSON.parse(failed.stdout) as { executions: unknown[] }).executions).toEqual([]);
  });
});

describe('a background agent SIGKILLed mid-step, with the retry on a runner inside the executor', () => {
  it.each([
    ['in the runner process', 'true'],
    ['in a spawned execute-skill-command', 'false'],
  ])('has the orphaned attempt stopped before the retry starts (step run %s): the step never runs twice at once', { timeout: 180_000 }, async (_name, inProcess) => {
    const workflow = 'id: long\nname: Long\nsteps:\n  - id: wait\n    run: echo $$ >> starts.txt; sleep 8; echo $$ >> ends.txt\n';
    const root = await autoProject(
      {
        'wf.yaml': workflow,
        '.tapps-agents/config.yaml': 'workflow:\n  auto_execution_enabled: true\n  runner: auto\n',
        '.cursor/background-agents.yaml': BACKGROUND_AGENTS.replace('global:\n', `global:\n  in_process: ${inProcess}\n`),
      },
      CRASH_ENV,
    );
    const runner = await startRunner(root);
    const executor = spawnExecutor(root, ['workflow', 'execute', '--workflow', 'wf.yaml']);
    onTestFinished(() => void executor.child.kill('SIGKILL'));
    const starts = path.join(root, 'starts.txt');
    const [first] = await waitFor(async () => ((await lines(starts)).length === 1 ? lines(starts) : undefined), 'the step to start', 60_000);
    const ledgerDir = path.join(root, '.tapps-agents', 'process-groups');
    await waitFor(async () => {
      const texts = await Promise.all((await readdir(ledgerDir).catch(() => [])).map((name) => readFile(path.join(ledgerDir, name), 'utf8').catch(() => '')));
      return texts.some((text) => text.includes(`"pid":${first}`)) ? true : undefined;
    }, "the step in the runner's ledger", 30_000);
    process.kill(runner, 'SIGKILL');

    expect(await executor.exited, executor.output()).toBe(0);
    const started = await lines(starts);
    const ends = await lines(path.join(root, 'ends.txt'));
    const reaped = await runCli(['auto-execution', 'audit', '--event', 'process.reaped', '--json'], { cwd: root });
    const events = (JSON.parse(reaped.stdout) as { events: { details: { owner_pid: number; process_groups: number[] } }[] }).events;
    if (inProcess === 'true') {
      // The runner ran the step itself: it is retried, and only the retry ran to its end — the orphaned attempt was
      // killed before the retry started (it would have ended first).
      expect(started).toHaveLength(2);
      expect(ends).toEqual([started[1]]);
      expect(events.map((event) => event.details)).toMatchObject([{ owner_pid: runner }]);
      expect(events[0]?.details.process_groups).toContain(Number(started[0]));
    } else {
      // The spawned execute-skill-command outlives its runner and reports the step itself: it runs once, to its end.
      expect(started).toHaveLength(1);
      expect(ends).toEqual(started);
    }
    expect(isProcessAlive(Number(started[0]))).toBe(false);
  });
});

describe('workflow resume adopting a result that landed while the executor was dead', () => {
  it("shows the attempt's own duration (seconds), not the moment of the adoption", { timeout: 180_000 }, async () => {
    const workflow = 'id: adopt\nname: Adopt\nsteps:\n  - id: slow\n    run: echo started > started.txt; sleep 3\n';
    const root = await autoProject({ 'wf.yaml': workflow }, CRASH_ENV);
    await startRunner(root);
    const executor = spawnExecutor(root, ['workflow', 'execute', '--workflow', 'wf.yaml']);
    onTestFinished(() => void executor.child.kill('SIGKILL'));
    const runId = await waitFor(() => Promise.resolve(/Run (\S+) started/.exec(executor.output())?.[1]), 'the run id', 60_000);
    await waitFor(async () => ((await lines(path.join(root, 'started.txt'))).length === 1 ? true : undefined), 'the step to start', 60_000);
    executor.child.kill('SIGKILL');
    await executor.exited;
    const stepDir = path.join(root, '.tapps-agents', 'workflow-state', runId, 'steps', 'slow');
    await waitFor(() => terminalStatus(stepDir), 'the runner to finish the step', 60_000);

    const resumed = await runCli(['workflow', 'resume', runId], { cwd: root, env: CRASH_ENV, timeoutMs: 90_000 });
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    const shown = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: root })).stdout) as { status: string; steps: { slow: { started_at: string; completed_at: string } } };
    expect(shown.status).toBe('succeeded');
    // `sleep 3` cannot take less than 3 s: a duration taken from the adoption would be a few milliseconds.
    expect(Date.parse(shown.steps.slow.completed_at) - Date.parse(shown.steps.slow.started_at)).toBeGreaterThanOrEqual(3000);
    const history = JSON.parse((await runCli(['auto-execution', 'history', '--json'], { cwd: root })).stdout) as { executions: { step_id: string; duration_ms: number }[] };
    expect(history.executions.find((record) => record.step_id === 'slow')?.duration_ms).toBeGreaterThanOrEqual(3000);
  });
});

describe('background-agent stop with a stale runner record', () => {
  it('leaves alone a process that was given the recorded pid later (its start time differs)', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.cursor/background-agents.yaml': BACKGROUND_AGENTS, '.tapps-agents/auto_execution_config.yaml': AUTO_EXECUTION });
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    onTestFinished(() => void bystander.kill('SIGKILL'));
    const pid = bystander.pid as number;
    const now = new Date().toISOString();
    // What a runner killed long ago left, once its pid went to another process: fresh-looking, but another start time.
    const status = { id: 'runner-old', pid, pid_start: '1', host: hostname(), started_at: now, heartbeat_at: now, state: 'running', watch_paths: [], counts: { claimed: 0, running: 0, finished: 0, failed: 0, refused: 0 } };
    await writeFile(path.join(await ensureRunnerDir(root), 'status.json'), JSON.stringify(status));

    const stopped = await runCli(['background-agent', 'stop', '--grace', '0s'], { cwd: root });
    expect(stopped).toEqual({ exitCode: 0, stdout: 'No background agent is running for this project.\n', stderr: '' });
    expect(isProcessAlive(pid)).toBe(true);
    const shown = await runCli(['background-agent', 'status'], { cwd: root });
    expect(shown.exitCode).toBe(1);
    expect(isProcessAlive(pid)).toBe(true);
  });
});

async function ensureRunnerDir(root: string): Promise<string> {
  const dir = path.join(root, '.tapps-agents', 'runner');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}
