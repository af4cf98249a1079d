// The background-agent runner with real processes: the CLI lifecycle, timeouts that kill grandchildren, refusals,
// execute-skill-command by hand, a runner killed mid-step, and an executor killed mid-step and resumed.

import { spawn } from 'node:child_process';
import { access, mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_HANDOFF_VARIABLE, encodeConfigHandoff } from '../../src/config/config-handoff.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { formatCommandFile, type CommandFileInput } from '../../src/protocol/command-file.js';
import { protocolPaths } from '../../src/protocol/paths.js';
import { FileTransport } from '../../src/transport/file.js';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { startRunnerProcess, stepDirOf, terminalStatus, writeAttempt } from './helpers.js';
import { waitFor } from '../helpers/wait-for.js';
import { isProcessAlive } from '../../src/exec/process-alive.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'bin');

const agentConfig = (commands: string[], extra = '') => `agents:
  - name: test agent
    type: background
    commands: ${JSON.stringify(commands)}
    watch_paths: [".cursor-skill-command.txt"]
${extra}`;

const BUILTIN = 'tapps-agents workflow execute-skill-command --command-file {command_file_path}';


describe('background-agent start | status | stop', () => {
  it('starts once per project, reports itself, and stops', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.cursor/background-agents.yaml': agentConfig([BUILTIN]) });
    const started = await runCli(['background-agent', 'start', '--json'], { cwd: root });
    expect(started.exitCode).toBe(0);
    const { pid } = JSON.parse(started.stdout) as { pid: number };
    try {
      expect(JSON.parse(started.stdout)).toEqual({ pid, already_running: false, log_file: path.join(root, '.tapps-agents/runner/runner.log'), watch_paths: ['.cursor-skill-command.txt'], metrics_url: null });
      const again = await runCli(['background-agent', 'start'], { cwd: root });
      expect(again.stdout).toBe(`A background agent is already running for this project (pid ${pid}).\n`);

      const stepDir = stepDirOf(root, 'run-1', 'hello');
      await writeAttempt(stepDir, { runId: 'run-1', stepId: 'hello' }, { agent: 'shell', action: 'run', params: { script: 'echo hello > hello.txt' } });
      const status = await waitFor(() => terminalStatus(stepDir), 'status', 30_000);
      expect(status).toMatchObject({ status: 'completed', correlation: { run_id: 'run-1', step_id: 'hello', attempt: 1 }, runner: { pid } });
      expect(await readFile(path.join(stepDir, 'hello.txt'), 'utf8')).toBe('hello\n');

      const report = await waitFor(async () => {
        const result = await runCli(['background-agent', 'status', '--json'], { cwd: root });
        const json = JSON.parse(result.stdout) as { counts: { finished: number } };
        return json.counts.finished === 1 ? { result, json } : undefined;
      }, 'counts', 10_000);
      expect(report.result.exitCode).toBe(0);
      expect(report.json).toMatchObject({ running: true, pid, state: 'running', watch_paths: ['.cursor-skill-command.txt'], counts: { claimed: 1, running: 0, finished: 1, failed: 0, refused: 0 }, stale: false });

      const text = await runCli(['background-agent', 'status'], { cwd: root });
      expect(text.stdout).toContain(`Background agent running: pid ${pid} on `);
      expect(text.stdout).toContain('Steps: 1 claimed, 0 running, 1 completed, 0 failed, 0 refused');
    } finally {
      const stopped = await runCli(['background-agent', 'stop'], { cwd: root });
      expect(stopped.stdout).toBe(`✓ Background agent stopped (pid ${pid})\n`);
    }
    expect(isProcessAlive(pid)).toBe(false);
    const after = await runCli(['background-agent', 'status'], { cwd: root });
    expect(after).toEqual({ exitCode: 1, stdout: 'No background agent is running for this project.\nStart one with: tapps-agents background-agent start\n', stderr: '' });
  });

  it('takes over the lock of a runner that was killed', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.cursor/background-agents.yaml': agentConfig([BUILTIN]) });
    const first = await startRunnerProcess(root);
    await expect(startRunnerProcess(root)).rejects.toThrow(`A background agent is already running for this project (pid ${first.pid}`);
    first.child.kill('SIGKILL');
    await waitFor(() => Promise.resolve(isProcessAlive(first.pid) ? undefined : true), 'first runner gone', 10_000);
    const second = await startRunnerProcess(root);
    expect(second.pid).not.toBe(first.pid);
  });
});

describe('runner commands', () => {
  it('kills a command and its grandchildren at timeout_seconds and reports a retryable timeout', { timeout: 60_000 }, async () => {
    const pids = path.join(await testdir(), 'pids');
    const root = await testdir({ '.cursor/background-agents.yaml': agentConfig([`sh ${path.join(FIXTURES, 'spawn-grandchildren.sh')} ${pids}`]).replace('    watch_paths', '    timeout_seconds: 1s\n    watch_paths') });
    await startRunnerProcess(root);
    const stepDir = stepDirOf(root, 'run-1', 'slow');
    await writeAttempt(stepDir, { runId: 'run-1', stepId: 'slow' }, { agent: 'shell', action: 'run', params: { script: 'true' } });
    const status = await waitFor(() => terminalStatus(stepDir), 'status', 30_000);
    expect(status).toMatchObject({
      status: 'failed',
      exitCode: 124,
      error: { code: 'TIMEOUT', message: `Command 1 of 1 (sh ${path.join(FIXTURES, 'spawn-grandchildren.sh')} ${pids}) did not finish within 1s; its process group was killed`, retryable: true },
    });
    const grandchildren = (await readFile(pids, 'utf8')).trim().split('\n').map(Number);
    expect(grandchildren).toHaveLength(2);
    await waitFor(() => Promise.resolve(grandchildren.some(isProcessAlive) ? undefined : true), 'grandchildren gone', 10_000);
  });

  it('passes {command_file_path} as one argument and writes the status when the command does not', { timeout: 60_000 }, async () => {
    const out = path.join(await testdir(), 'argv.json');
    const script = path.join(await testdir({ 'argv.mjs': `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));` }), 'argv.mjs');
    const root = await testdir({ '.cursor/background-agents.yaml': agentConfig([`node ${script} {command_file_path} "{step_dir}"`]) });
    await startRunnerProcess(root);
    const stepDir = stepDirOf(root, 'run 1; rm -rf ~', 'a b');
    await writeAttempt(stepDir, { runId: 'run 1; rm -rf ~', stepId: 'a b' }, { agent: 'shell', action: 'run', params: { script: 'true' } });
    expect(await waitFor(() => terminalStatus(stepDir), 'status', 30_000)).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual([protocolPaths(stepDir).claimedFile, stepDir]);
  });

  it('runs the built-in command as a separate process when global.in_process is false, with the runner\'s configuration until the files change', { timeout: 60_000 }, async () => {
    const aec = (audit: string) => `auto_execution:\n  features:\n    audit_logging: ${audit}\n`;
    const root = await testdir({ '.cursor/background-agents.yaml': `${agentConfig([BUILTIN])}global:\n  in_process: false\n`, '.tapps-agents/auto_execution_config.yaml': aec('true ') });
    const aecFile = path.join(root, '.tapps-agents', 'auto_execution_config.yaml');
    const stamp = new Date('2026-01-01T00:00:00Z');
    await utimes(aecFile, stamp, stamp);
    const runner = await startRunnerProcess(root);
    const childEvents = async () =>
      (await readFile(path.join(root, '.tapps-agents', 'audit', 'execution_audit.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string; actor: string; step_id: string })
        .filter((event) => event.actor.startsWith('execute-skill-command:'))
        .map((event) => `${event.step_id} ${event.event}`);

    // The file now says "no audit log", but with the same size and modification time: the child cannot tell it apart
    // from what the runner resolved, so it runs with the runner's configuration (audit log on) and reads no YAML.
    await writeFile(aecFile, aec('false'));
    await utimes(aecFile, stamp, stamp);
    const first = stepDirOf(root, 'run-1', 'spawned');
    await writeAttempt(first, { runId: 'run-1', stepId: 'spawned' }, { agent: 'shell', action: 'run', params: { script: 'echo $PPID > parent.txt' } });
    const status = await waitFor(() => terminalStatus(first), 'status', 30_000);
    expect(status?.status).toBe('completed');
    expect(status?.runner?.pid).not.toBe(runner.pid);
    expect(await childEvents()).toEqual(['spawned execution.started', 'spawned execution.completed']);

    // Once the file is seen to have changed, the child reads the files: audit logging is off for it now.
    await utimes(aecFile, new Date(), new Date());
    const second = stepDirOf(root, 'run-1', 'after-edit');
    await writeAttempt(second, { runId: 'run-1', stepId: 'after-edit' }, { agent: 'shell', action: 'run', params: { script: 'true' } });
    expect(await waitFor(() => terminalStatus(second), 'status', 30_000)).toMatchObject({ status: 'completed' });
    expect(await childEvents()).toEqual(['spawned execution.started', 'spawned execution.completed']);
  });

  it('refuses a command file reached through a symbolic link that leads out of the project', { timeout: 60_000 }, async () => {
    const outside = await testdir();
    const root = await testdir({ '.cursor/background-agents.yaml': agentConfig([BUILTIN]), '.tapps-agents/workflow-state/.keep': '' });
    await symlink(outside, path.join(root, '.tapps-agents', 'workflow-state', 'escape'));
    const runner = await startRunnerProcess(root);
    const legit = stepDirOf(root, 'run-1', 'ok');
    // Written by hand: tapps-agents itself refuses to write through the link (the write boundary), a hostile repo need not.
    const hostile = path.join(outside, 'steps', 'x', '.cursor');
    await mkdir(hostile, { recursive: true });
    const command = { invocation: { agent: 'shell', action: 'run', params: { script: 'touch pwned' } }, correlation: { workflow_id: 'wf', run_id: 'escape', step_id: 'x', attempt: 1, created_at: new Date().toISOString(), expected_artifacts: [] }, worktreePath: path.dirname(hostile), instructions: 'test', timeoutMs: 60_000, inputs: {} } satisfies CommandFileInput;
    await writeFile(path.join(hostile, '.cursor-skill-command.txt'), formatCommandFile(command));
    await writeAttempt(legit, { runId: 'run-1', stepId: 'ok' }, { agent: 'shell', action: 'run', params: { script: 'true' } });
    await waitFor(() => terminalStatus(legit), 'legit status', 30_000);
    runner.child.kill('SIGTERM');
    await waitFor(() => Promise.resolve(runner.output().includes('stopped') ? true : undefined), 'stopped', 10_000);
    // Refused (counted once per sighting: a watch event and a rescan may both see it), and never executed.
    expect(runner.output()).toMatch(/"refused":[1-9]/);
    await expect(access(path.join(outside, 'steps', 'x', '.cursor', '.cursor-skill-command.txt'))).resolves.toBeUndefined();
    await expect(access(path.join(outside, 'steps', 'x', 'pwned'))).rejects.toThrow();
  });
});

describe('cancellation', () => {
  it('a cancelled step is stopped by the background agent running it, its process group killed', { timeout: 60_000 }, async () => {
    const root = await testdir({ '.cursor/background-agents.yaml': agentConfig([BUILTIN]) });
    await startRunnerProcess(root);
    const config = await resolveConfig({ projectRoot: root });
    const transport = new FileTransport({ projectRoot: root, config });
    const stepDir = stepDirOf(root, 'run-1', 'long');
    await mkdir(stepDir, { recursive: true });
    const controller = new AbortController();
    const outcome = transport.run(
      {
        correlation: { workflow_id: 'wf', run_id: 'run-1', step_id: 'long', attempt: 1, created_at: new Date().toISOString() },
        invocation: { agent: 'shell', action: 'run', params: { script: 'echo $$ > pid; sleep 300' } },
        stepDir,
        protocolDir: stepDir,
        expectedArtifacts: [],
        inputs: {},
        timeoutMs: 60_000,
        env: {},
      },
      controller.signal,
    );
    const pid = await waitFor(async () => Number((await readFile(path.join(stepDir, 'pid'), 'utf8').catch(() => '')).trim()) || undefined, 'step running', 30_000);
    controller.abort();
    expect(await outcome).toMatchObject({ status: 'cancelled' });
    expect(await waitFor(() => terminalStatus(stepDir), 'runner status', 30_000)).toMatchObject({ status: 'failed' });
    await waitFor(() => Promise.resolve(isProcessAlive(pid) ? undefined : true), 'step process gone', 10_000);
  });
});

describe('workflow execute-skill-command', () => {
  it('runs a command file by hand and writes the terminal status beside it', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const stepDir = stepDirOf(root, 'run-1', 'by-hand');
    const file = await writeAttempt(stepDir, { runId: 'run-1', stepId: 'by-hand' }, { agent: 'shell', action: 'run', params: { script: 'echo done > done.txt' } });
    const ok = await runCli(['workflow', 'execute-skill-command', '--command-file', file], { cwd: root });
    expect(ok).toEqual({ exitCode: 0, stdout: `completed; status written to ${protocolPaths(stepDir).statusFile}\n`, stderr: '' });
    expect(await terminalStatus(stepDir)).toMatchObject({ status: 'completed', correlation: { run_id: 'run-1', step_id: 'by-hand', attempt: 1 } });
    expect(await readFile(path.join(stepDir, 'done.txt'), 'utf8')).toBe('done\n');
  });

  it('accepts a plain one-line command file and exits 1 when the skill fails', async () => {
    const root = await testdir({ '.cursor/.cursor-skill-command.txt': '@shell run --script "exit 3"\n' });
    const result = await runCli(['workflow', 'execute-skill-command', '--command-file', '.cursor/.cursor-skill-command.txt'], { cwd: root });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`status written to ${path.join(root, '.cursor', '.cursor-skill-status.json')}`);
    expect(await terminalStatus(root)).toMatchObject({ status: 'failed', exitCode: 1 });
  });

  it('refuses a command whose secrets were redacted, saying how to pass them', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const stepDir = stepDirOf(root, 'run-1', 'secret');
    const file = await writeAttempt(stepDir, { runId: 'run-1', stepId: 'secret' }, { agent: 'shell', action: 'run', params: { script: 'true', api_key: 'sk-abcdefghijklmnopqrstu' } });
    expect(await readFile(file, 'utf8')).not.toContain('sk-abcdefghijklmnopqrstu');
    const result = await runCli(['workflow', 'execute-skill-command', '--command-file', file], { cwd: root });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('holds a command whose secrets were redacted, so it cannot be run from the file. Pass secrets through environment variables');
  });

  it('takes the configuration a runner hands over, keeps it from the step\'s processes, and still parses its options with commander when asked for help', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const stepDir = stepDirOf(root, 'run-1', 'handed');
    const file = await writeAttempt(stepDir, { runId: 'run-1', stepId: 'handed' }, { agent: 'shell', action: 'run', params: { script: 'echo "${TAPPS_AGENTS_RESOLVED_CONFIG:-not inherited}" > env.txt' } });
    // The files say audit logging is on (the default); the handed configuration turns it off, so no audit line appears.
    const config = await resolveConfig({ projectRoot: root });
    const handed = { ...config, autoExecution: { ...config.autoExecution, features: { ...config.autoExecution.features, audit_logging: false } } };
    const result = await runCli(['-C', root, 'workflow', 'execute-skill-command', `--command-file=${file}`, '--json'], { cwd: tmpdir(), env: { [CONFIG_HANDOFF_VARIABLE]: encodeConfigHandoff(handed) ?? '' } });
    expect(result).toEqual({ exitCode: 0, stdout: `${JSON.stringify({ status: 'completed', status_file: protocolPaths(stepDir).statusFile, error: null }, null, 2)}\n`, stderr: '' });
    expect(await readFile(path.join(stepDir, 'env.txt'), 'utf8')).toBe('not inherited\n');
    await expect(access(path.join(root, '.tapps-agents', 'audit'))).rejects.toThrow('ENOENT');
    // Without it, the configuration comes from the files: audit logging on.
    await writeAttempt(stepDir, { runId: 'run-1', stepId: 'handed', attempt: 2 }, { agent: 'shell', action: 'run', params: { script: 'true' } });
    expect((await runCli(['workflow', 'execute-skill-command', '--command-file', file], { cwd: root })).exitCode).toBe(0);
    await access(path.join(root, '.tapps-agents', 'audit'));

    const help = await runCli(['workflow', 'execute-skill-command', '--help'], { cwd: root });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: tapps-agents workflow execute-skill-command [options]');
    const missing = await runCli(['workflow', 'execute-skill-command'], { cwd: root });
    expect(missing).toEqual({ exitCode: 2, stdout: '', stderr: "error: required option '--command-file <path>' not specified\n" });
  });

  it('reports an unreadable command file', async () => {
    const root = await testdir();
    const result = await runCli(['workflow', 'execute-skill-command', '--command-file', path.join(tmpdir(), 'no-such-command-file.txt')], { cwd: root });
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: `error: Cannot read command file ${path.join(tmpdir(), 'no-such-command-file.txt')}: ENOENT\n` });
  });
});

describe('crashes mid-step', () => {
  it('the executor killed mid-step and resumed adopts the finished status without running the step again', { timeout: 90_000 }, async () => {
    const root = await testdir({ '.cursor/background-agents.yaml': agentConfig([BUILTIN]) });
    await startRunnerProcess(root);
    const log = path.join(root, 'runs.log');
    const executor = path.resolve(import.meta.dirname, 'fixtures', 'executor-process.mjs');
    const args = [executor, root, 'resume-run', 'step', `echo ran >> "${log}"; sleep 1`];
    const first = spawn(process.execPath, args, { stdio: 'ignore' });
    // Kill the executor while the runner runs its step.
    await waitFor(async () => ((await readFile(log, 'utf8').catch(() => '')) === '' ? undefined : true), 'step started', 30_000);
    first.kill('SIGKILL');
    await waitFor(() => terminalStatus(stepDirOf(root, 'resume-run', 'step')), 'step finished by the runner', 30_000);
    // Resume: same correlation, so the transport adopts the finished status.
    const resumed = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => resumed.on('exit', resolve));
    let output = '';
    resumed.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await exited;
    expect(JSON.parse(output)).toMatchObject({ status: 'success' });
    expect(await readFile(log, 'utf8')).toBe('ran\n');
  });

  it('a runner killed with SIGKILL mid-step makes the attempt fail as retryable; the retry completes', { timeout: 90_000 }, async () => {
    const root = await testdir({ '.cursor/background-agents.yaml': agentConfig([BUILTIN]) });
    const log = path.join(root, 'runs.log');
    const env = { TAPPS_AGENTS_HEARTBEAT_MS: '200' };
    const runner = await startRunnerProcess(root, { env });
    const executor = path.resolve(import.meta.dirname, 'fixtures', 'executor-process.mjs');
    const run = spawn(process.execPath, [executor, root, 'crash-run', 'step', `echo ran >> "${log}"; sleep 2`, '--retries', '2'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    const exited = new Promise((resolve) => run.on('exit', resolve));
    let output = '';
    run.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await waitFor(async () => ((await readFile(log, 'utf8').catch(() => '')) === '' ? undefined : true), 'step started', 30_000);
    runner.child.kill('SIGKILL');
    await startRunnerProcess(root, { env });
    await exited;
    const outcomes = output.trim().split('\n').map((line) => JSON.parse(line) as { status: string; error?: { code: string; retryable: boolean } });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'success']);
    expect(outcomes[0]?.error).toMatchObject({ code: 'RUNNER_DIED', retryable: true });
    expect(await readFile(log, 'utf8')).toBe('ran\nran\n');
  });
});
