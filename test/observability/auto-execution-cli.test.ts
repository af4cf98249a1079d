// `auto-execution status|history|metrics|debug` as a user meets them, through the built CLI, on a fixture project.

import { hostname } from 'node:os';
import { type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { reapOrphanedGroups } from '../../src/exec/orphan-groups.js';
import { readRunState } from '../../src/workflow/run-state.js';
import { runCli, startCli } from '../helpers/cli.js';
import { runStateJson, UNUSABLE_RUNNER_FILES } from '../helpers/protocol-fixtures.js';
import { testdir } from '../helpers/testdir.js';
import { fixtureProject, metricsLine, RUNNER_HEARTBEAT_AT } from './fixture.js';

const RECENT_TABLE = [
  'completed             workflow/step      attempt  status   duration  agent action',
  '2026-11-24 09:26:00Z  docs/publish       1        skipped  0ms       documenter write-docs',
  '2026-11-24 09:25:00Z  feature/implement  2        success  15m 00s   implementer implement-feature',
  '2026-11-24 09:10:00Z  feature/implement  1        failed   10m 00s   implementer implement-feature',
  '  error: exit code 1: npm test failed',
  '2026-11-24 09:00:00Z  feature/design     1        success  45.0s     architect design-system',
  '2026-11-23 22:00:00Z  feature/gather     1        success  1.2s      analyst gather-requirements',
];
const UNREADABLE = 'Skipped 2 unreadable lines (corrupt or torn): executions_2026-11-24.jsonl (1), executions_2026-11-23.jsonl (1)';

describe('auto-execution (aliases auto-exec, ae)', () => {
  it('shows help and exits 2 without a subcommand, under each name', async () => {
    const dir = await testdir();
    for (const name of ['auto-execution', 'auto-exec', 'ae']) {
      const result = await runCli([name], { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('Usage: tapps-agents auto-execution|auto-exec [options] [command]');
      expect(result.stderr).toContain('debug [options] <mode>');
    }
  });

  it('rejects bad flag values with exit code 2', async () => {
    const dir = await testdir();
    expect(await runCli(['ae', 'history', '--limit', '0'], { cwd: dir })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'error: option \'--limit <n>\' argument \'0\' is invalid. expected a whole number of at least 1, got "0"\n',
    });
    expect(await runCli(['ae', 'history', '--status', 'completed'], { cwd: dir })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'error: --status expects one of success, failed, timeout, cancelled, skipped, got "completed"\n',
    });
    expect(await runCli(['ae', 'metrics', '--since', 'last week'], { cwd: dir })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'error: --since expects an ISO time like "2026-11-23T10:00:00Z" or a duration like "24h" or "7d", got "last week"\n',
    });
    const debug = await runCli(['ae', 'debug', 'maybe'], { cwd: dir });
    expect(debug.exitCode).toBe(2);
    expect(debug.stderr).toBe("error: command-argument value 'maybe' is invalid for argument 'mode'. Allowed choices are on, off, status.\n");
  });
});

describe('auto-execution status', () => {
  it('shows the active run with its running step and directory, the live runner, and recent executions', async () => {
    const dir = await fixtureProject();
    const result = await runCli(['auto-execution', 'status'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      [
        'Active runs (1)',
        `  feature-20261124T090000Z-ab12  workflow feature  running  since 2026-11-24 09:00:00Z, executor pid ${process.pid} on ${hostname()}`,
        '    step review  attempt 1  since 2026-11-24 09:30:00Z  .tapps-agents/workflow-state/feature-20261124T090000Z-ab12/steps/review',
        '',
        'Background agents (1)',
        // A status file without max_parallel (written before slots were published): the busy count alone.
        `  runner-1 (pid ${process.pid})  on ${hostname()}  running  busy 0  heartbeat ${RUNNER_HEARTBEAT_AT.slice(0, 10)} ${RUNNER_HEARTBEAT_AT.slice(11, 19)}Z`,
        '',
        'Recent executions (5)',
        ...RECENT_TABLE.map((line) => `  ${line}`),
        '',
        UNREADABLE,
        '',
      ].join('\n'),
    );
  });

  it('filters by workflow and says when nothing is going on', async () => {
    const dir = await fixtureProject();
    const docs = await runCli(['ae', 'status', '--workflow-id', 'docs'], { cwd: dir });
    expect(docs.stdout.split('\n').slice(0, 1)).toEqual(['Active runs: none']);
    expect(docs.stdout).toContain('Recent executions (1)');
    const empty = await runCli(['ae', 'status'], { cwd: await testdir() });
    expect(empty).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'Active runs: none',
        '',
        'Background agents: none running (an embedded runner starts with each workflow execute unless workflow.runner is "external")',
        '',
        'Recent executions: none recorded',
        '',
      ].join('\n'),
    });
  });

  it('shows a run whose executor is gone as interrupted', async () => {
    const dir = await testdir({
      '.tapps-agents/workflow-state/wf-1/state.json': runStateJson('wf-1', { executor: { pid: 2 ** 22 + 99, host: hostname() }, started_at: '2026-11-24T09:00:00.000Z' }),
    });
    const result = await runCli(['ae', 'status'], { cwd: dir });
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([
      'Active runs (1)',
      `  wf-1  workflow wf  interrupted (executor gone; resume with "tapps-agents workflow resume")  since 2026-11-24 09:00:00Z, executor pid ${2 ** 22 + 99} on ${hostname()}`,
      '    no step running',
    ]);
    const json = JSON.parse((await runCli(['ae', 'status', '--json'], { cwd: dir })).stdout) as { active_runs: { status: string }[] };
    expect(json.active_runs.map((run) => run.status)).toEqual(['interrupted']);
  });

  it('says which runner status file or run state cannot be used, and why, instead of hiding it', async () => {
    for (const [what, text, problem] of UNUSABLE_RUNNER_FILES) {
      const dir = await testdir({ '.tapps-agents/runner/status.json': text, '.tapps-agents/workflow-state/wf-2/state.json': '{"torn' });
      const result = await runCli(['ae', 'status'], { cwd: dir });
      expect(result.exitCode, what).toBe(0);
      expect(result.stdout, what).toContain('Background agents: none running');
      expect(result.stdout, what).toContain(`Runner status file .tapps-agents/runner/status.json ${problem}: it is ignored`);
      expect(result.stdout, what).toContain('Run wf-2 is damaged');
      const json = JSON.parse((await runCli(['ae', 'status', '--json'], { cwd: dir })).stdout) as { runners: unknown[]; unusable_runner_files: unknown[]; damaged_runs: { run_id: string }[] };
      expect(json.runners, what).toEqual([]);
      expect(json.unusable_runner_files, what).toEqual([{ file: '.tapps-agents/runner/status.json', problem }]);
      expect(json.damaged_runs.map((run) => run.run_id)).toEqual(['wf-2']);
      // background-agent status reads the same file with the same reader.
      const agent = await runCli(['background-agent', 'status', '--json'], { cwd: dir });
      expect(agent.exitCode, what).toBe(1);
      expect(JSON.parse(agent.stdout), what).toMatchObject({ running: false, unusable_status_file: problem });
    }
    const dir = await testdir();
    await mkdir(path.join(dir, '.tapps-agents/runner/status.json'), { recursive: true });
    expect((await runCli(['ae', 'status'], { cwd: dir })).stdout).toContain('Runner status file .tapps-agents/runner/status.json is a directory, not a file: it is ignored');
  });

  it('prints JSON with runs, runners, records and unreadable lines', async () => {
    const dir = await fixtureProject();
    const result = await runCli(['ae', 'status', '--json'], { cwd: dir });
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['active_runs', 'runners', 'damaged_runs', 'unusable_runner_files', 'recent_executions', 'unreadable_lines']);
    expect(json.runners).toEqual([{ mode: 'daemon', run_id: null, id: 'runner-1', pid: process.pid, host: hostname(), state: 'running', started_at: '2026-11-24T08:00:00.000Z', heartbeat_at: RUNNER_HEARTBEAT_AT, alive: true, stalled: false, max_parallel: null, busy: 0, slots: [] }]);
    expect((json.recent_executions as { execution_id: string }[]).map((record) => record.execution_id)).toEqual([
      'docs-run/publish/1',
      'feature-run/implement/2',
      'feature-run/implement/1',
      'feature-run/design/1',
      'feature-run/gather/1',
    ]);
    expect(json.unreadable_lines).toEqual({ 'executions_2026-11-24.jsonl': 1, 'executions_2026-11-23.jsonl': 1 });
  });
});

describe('auto-execution status with a runner embedded in workflow execute', () => {
  const HOLD = `id: hold\nsteps:\n  - id: wait\n    run: while [ ! -f release ]; do sleep 0.05; done\n`;
  const TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g;

  /** Starts \`workflow execute\` of a step that waits for the file "release"; resolves once the step runs (so the run state says so) and the embedded runner has published its busy slot. */
  async function startHeldRun(): Promise<{ dir: string; child: ChildProcess; exited: Promise<number | null>; runId: string }> {
    const dir = await testdir({ '.git/HEAD': '', '.tapps-agents/config.yaml': 'workflow:\n  auto_execution_enabled: true\n  runner: auto\n', 'wf.yaml': HOLD });
    const child = startCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir }).child;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    onTestFinished(async () => {
      // The step's own loop ends once the file exists; the run then ends and its executor exits. Waited for before the
      // directory goes: a step whose executor was killed (its own process group lives on) looked for the file in a
      // directory removed a moment later and never ended (seen as leftover processes after a suite) — it is killed as
      // the next executor would, from the process-group ledger of the dead one.
      await writeFile(path.join(dir, 'release'), '');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await reapOrphanedGroups(dir);
    });
    const embedded = path.join(dir, '.tapps-agents', 'runner', 'embedded');
    let runId: string | undefined;
    const deadline = Date.now() + 30_000;
    while (runId === undefined) {
      const names = await readdir(embedded).catch(() => [] as string[]);
      const status = names.length === 1 ? ((await readJson(path.join(embedded, names[0] as string))) as { run_id?: string; slots?: unknown[] } | undefined) : undefined;
      // Published once the runner has claimed the step's command file (its slot names the step).
      // Through the one reader: a live run's step changes are in state.json's journal until the run ends.
      const state = status?.run_id === undefined || status.slots?.length !== 1 ? undefined : await readRunState(dir, status.run_id).catch(() => undefined);
      runId = state?.steps?.wait?.status === 'running' ? status?.run_id : undefined;
      if (Date.now() > deadline) throw new Error('the embedded runner did not publish its status');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return { dir, child, exited, runId };
  }

  async function readJson(file: string): Promise<unknown> {
    // Null while it is not there or half written (a writer's temporary file can be the one name seen).
    try {
      return JSON.parse(await readFile(file, 'utf8')) as unknown;
    } catch {
      return null;
    }
  }

  it('shows the embedded runner while the run goes on, and nothing once the run has finished', async () => {
    const { dir, child, exited, runId } = await startHeldRun();
    const pid = child.pid as number;
    const result = await runCli(['ae', 'status'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    // Its one busy slot of the default four, and what that slot runs.
    expect(result.stdout.replace(TIME, '<time>').split('\n').slice(4, 7)).toEqual([
      'Background agents (1)',
      `  embedded in workflow run ${runId} (pid ${pid})  on ${hostname()}  running  busy 1/4  heartbeat <time>`,
      `    run ${runId}  step wait  attempt 1  since <time>`,
    ]);
    const json = JSON.parse((await runCli(['ae', 'status', '--json'], { cwd: dir })).stdout) as { runners: Record<string, unknown>[] };
    const slot = { run_id: runId, workflow_id: 'hold', step_id: 'wait', attempt: 1, started_at: expect.any(String) as unknown, command_file: `.tapps-agents/workflow-state/${runId}/steps/wait/.cursor/.cursor-skill-command.txt` };
    expect(json.runners).toEqual([
      { mode: 'embedded', run_id: runId, id: expect.stringMatching(/^embedded-/) as unknown, pid, host: hostname(), state: 'running', started_at: expect.any(String) as unknown, heartbeat_at: expect.any(String) as unknown, alive: true, stalled: false, max_parallel: 4, busy: 1, slots: [slot] },
    ]);

    await writeFile(path.join(dir, 'release'), '');
    expect(await exited).toBe(0);
    const after = await runCli(['ae', 'status'], { cwd: dir });
    expect(after.stdout.split('\n').slice(0, 3)).toEqual([
      'Active runs: none',
      '',
      'Background agents: none running (an embedded runner starts with each workflow execute unless workflow.runner is "external")',
    ]);
    expect(await readdir(path.join(dir, '.tapps-agents', 'runner', 'embedded'))).toEqual([]);
  });

  it('shows the embedded runner of a killed workflow execute as gone, not running', async () => {
    const { dir, child, exited, runId } = await startHeldRun();
    const pid = child.pid as number;
    child.kill('SIGKILL');
    await exited;
    const result = await runCli(['ae', 'status'], { cwd: dir });
    expect(result.stdout.replace(TIME, '<time>').split('\n').slice(0, 6)).toEqual([
      'Active runs (1)',
      `  ${runId}  workflow hold  interrupted (executor gone; resume with "tapps-agents workflow resume")  since <time>, executor pid ${pid} on ${hostname()}`,
      `    step wait  attempt 1  since <time>  .tapps-agents/workflow-state/${runId}/steps/wait`,
      '',
      'Background agents (1)',
      `  embedded in workflow run ${runId} (pid ${pid})  on ${hostname()}  gone (its workflow execute process died; resume the run with "tapps-agents workflow resume ${runId}")  heartbeat <time>`,
    ]);
    const json = JSON.parse((await runCli(['ae', 'status', '--json'], { cwd: dir })).stdout) as { runners: { mode: string; run_id: string; alive: boolean }[] };
    expect(json.runners.map(({ mode, run_id, alive }) => ({ mode, run_id, alive }))).toEqual([{ mode: 'embedded', run_id: runId, alive: false }]);
  });
});

describe('auto-execution history', () => {
  it('lists executions newest first with errors, skipping corrupt and torn lines', async () => {
    const dir = await fixtureProject();
    const result = await runCli(['auto-exec', 'history'], { cwd: dir });
    expect(result).toEqual({ exitCode: 0, stderr: '', stdout: ['Execution history: the 5 most recent executions', '', ...RECENT_TABLE, '', UNREADABLE, ''].join('\n') });
  });

  it('applies --limit, --status, --workflow-id and --since', async () => {
    const dir = await fixtureProject();
    const limited = await runCli(['ae', 'history', '--limit', '2', '--status', 'success'], { cwd: dir });
    expect(limited.stdout).toBe(
      [
        'Execution history: the 2 most recent executions (status success)',
        '',
        'completed             workflow/step      attempt  status   duration  agent action',
        '2026-11-24 09:25:00Z  feature/implement  2        success  15m 00s   implementer implement-feature',
        '2026-11-24 09:00:00Z  feature/design     1        success  45.0s     architect design-system',
        '',
        'Skipped 1 unreadable line (corrupt or torn): executions_2026-11-24.jsonl (1)',
        '',
      ].join('\n'),
    );
    const since = await runCli(['ae', 'history', '--workflow-id', 'feature', '--since', '2026-11-24T09:05:00Z', '--json'], { cwd: dir });
    const json = JSON.parse(since.stdout) as { executions: { execution_id: string }[]; unreadable_lines: Record<string, number> };
    expect(json.executions.map((record) => record.execution_id)).toEqual(['feature-run/implement/2', 'feature-run/implement/1']);
    expect(json.unreadable_lines).toEqual({ 'executions_2026-11-24.jsonl': 1 });
    const none = await runCli(['ae', 'history', '--workflow-id', 'nope'], { cwd: dir });
    expect(none.stdout.split('\n')[0]).toBe('No executions match (workflow nope).');
  });

  it('says where metrics go when nothing was recorded (the seed\'s "Metrics Not Collected")', async () => {
    const result = await runCli(['ae', 'history'], { cwd: await testdir() });
    expect(result).toEqual({ exitCode: 0, stderr: '', stdout: 'No executions recorded yet (metrics are written to .tapps-agents/metrics/ while features.metrics_collection is on).\n' });
  });
});

describe('auto-execution metrics', () => {
  it('summarises: 3 successes and 1 failure show 75.0%, skipped not counted', async () => {
    const dir = await fixtureProject();
    const result = await runCli(['ae', 'metrics'], { cwd: dir });
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'Execution metrics',
        '',
        'Total executions:  5',
        'Success rate:      75.0% (3 of 4 that ran; skipped not counted)',
        'Duration:          average 6m 27s, p50 45.0s, p95 15m 00s',
        'Retries:           1',
        'By status:         success 3, failed 1, skipped 1',
        'Tokens:            1,000 in, 250 out, cost $0.0125 (1 execution reported usage)',
        'Period:            2026-11-23 22:00:00Z to 2026-11-24 09:26:00Z',
        '',
        'By agent/action',
        'agent        action               total  success rate  average  tokens in/out  cost',
        'implementer  implement-feature    2      50.0%         12m 30s  0 / 0          $0.0000',
        'analyst      gather-requirements  1      100.0%        1.2s     1,000 / 250    $0.0125',
        'architect    design-system        1      100.0%        45.0s    0 / 0          $0.0000',
        'documenter   write-docs           1      n/a           n/a      0 / 0          $0.0000',
        '',
        UNREADABLE,
        '',
      ].join('\n'),
    });
  });

  it('prints the summary as JSON, filtered by workflow and time', async () => {
    const NO_USAGE = { executions_with_usage: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
    const dir = await fixtureProject();
    const result = await runCli(['ae', 'metrics', '--workflow-id', 'feature', '--since', '2026-11-24T00:00:00Z', '--json'], { cwd: dir });
    expect(JSON.parse(result.stdout)).toEqual({
      filter: { workflow_id: 'feature', since: '2026-11-24T00:00:00.000Z' },
      total_executions: 3,
      success_rate: 2 / 3,
      average_duration_ms: 515000,
      p50_duration_ms: 600000,
      p95_duration_ms: 900000,
      total_retries: 1,
      by_status: { success: 2, failed: 1, timeout: 0, cancelled: 0, skipped: 0 },
      by_agent_action: [
        { agent: 'implementer', action: 'implement-feature', total: 2, by_status: { success: 1, failed: 1, timeout: 0, cancelled: 0, skipped: 0 }, success_rate: 0.5, average_duration_ms: 750000, usage: NO_USAGE },
        { agent: 'architect', action: 'design-system', total: 1, by_status: { success: 1, failed: 0, timeout: 0, cancelled: 0, skipped: 0 }, success_rate: 1, average_duration_ms: 45000, usage: NO_USAGE },
      ],
      usage: NO_USAGE,
      first_completed_at: '2026-11-24T09:00:00.000Z',
      last_completed_at: '2026-11-24T09:25:00.000Z',
      // All three completed within one hour: one hourly bucket with the same figures.
      over_time: {
        bucket: 'hour',
        series: [
          { start: '2026-11-24T09:00:00.000Z', total_executions: 3, success_rate: 2 / 3, average_duration_ms: 515000, p50_duration_ms: 600000, p95_duration_ms: 900000, retries: 1, by_status: { success: 2, failed: 1, timeout: 0, cancelled: 0, skipped: 0 }, input_tokens: 0, output_tokens: 0, cost_usd: 0 },
        ],
      },
      files_read: 1,
      unreadable_lines: { 'executions_2026-11-24.jsonl': 1 },
      pruned: null,
    });
  });

  it('--prune deletes daily files older than metrics.retention_days', async () => {
    const old = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    const day = (iso: string) => iso.slice(0, 10);
    const dir = await testdir({
      '.tapps-agents/config.yaml': 'metrics:\n  retention_days: 7\n',
      [`.tapps-agents/metrics/executions_${day(old)}.jsonl`]: `${metricsLine({ step: 'a', status: 'success', at: old, ms: 10 })}\n`,
      [`.tapps-agents/metrics/executions_${day(recent)}.jsonl`]: `${metricsLine({ step: 'b', status: 'failed', at: recent, ms: 10 })}\n`,
    });
    const keptFrom = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    const result = await runCli(['ae', 'metrics', '--prune'], { cwd: dir });
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      `Pruned 1 daily file older than 7 days (kept from ${keptFrom}): executions_${day(old)}.jsonl`,
      '',
      'Execution metrics',
      '',
    ]);
    expect(result.stdout).toContain('Total executions:  1\n');
    expect(await readdir(path.join(dir, '.tapps-agents/metrics'))).toEqual([`executions_${day(recent)}.jsonl`]);
    const again = await runCli(['ae', 'metrics', '--prune', '--json'], { cwd: dir });
    expect((JSON.parse(again.stdout) as { pruned: unknown }).pruned).toEqual({ retention_days: 7, kept_from: keptFrom, deleted: [] });
  });

  it('--prune reports an invalid retention setting with its location', async () => {
    const dir = await testdir({ '.tapps-agents/config.yaml': 'metrics:\n  retention_days: 0\n' });
    const result = await runCli(['ae', 'metrics', '--prune'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('error: Configuration is invalid (1 problem):\n.tapps-agents/config.yaml:2:19: metrics.retention_days: must be at least 1, got 0\n');
  });
});

describe('auto-execution debug', () => {
  it('persists on and off in .tapps-agents/debug.json and reports it', async () => {
    const dir = await testdir();
    expect(await runCli(['ae', 'debug', 'status'], { cwd: dir })).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: 'Debug mode: OFF\nSince: never switched on\nTurn it on with "tapps-agents auto-execution debug on"; verbose logs then go to .tapps-agents/logs/\n',
    });
    const on = await runCli(['ae', 'debug', 'on'], { cwd: dir });
    const state = JSON.parse(await readFile(path.join(dir, '.tapps-agents/debug.json'), 'utf8')) as { enabled: boolean; since: string };
    expect(state.enabled).toBe(true);
    expect((await stat(path.join(dir, '.tapps-agents/debug.json'))).mode & 0o777).toBe(0o600);
    const onText = [
      'Debug mode: ON',
      `Since: ${state.since}`,
      'Logs: .tapps-agents/logs/executor.log and .tapps-agents/logs/runner-<id>.log (pino JSON lines; processes pick the switch up within a second)',
      '',
    ].join('\n');
    expect(on).toEqual({ exitCode: 0, stderr: '', stdout: onText });
    expect(await runCli(['ae', 'debug', 'status'], { cwd: dir })).toEqual({ exitCode: 0, stderr: '', stdout: onText });
    const status = JSON.parse((await runCli(['ae', 'debug', 'status', '--json'], { cwd: dir })).stdout) as Record<string, unknown>;
    expect(status).toEqual({ enabled: true, since: state.since, log_dir: '.tapps-agents/logs', file: '.tapps-agents/debug.json' });
    const off = await runCli(['ae', 'debug', 'off'], { cwd: dir });
    expect(off.stdout.split('\n')[0]).toBe('Debug mode: OFF');
    expect((JSON.parse((await runCli(['ae', 'debug', 'status', '--json'], { cwd: dir })).stdout) as { enabled: boolean }).enabled).toBe(false);
  });
});

describe('auto-execution audit', () => {
  const event = (ts: string, name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ schemaVersion: 1, ts, event: name, ...extra });

  it('lists events newest first across the log and its rotated backups, with filters', async () => {
    const dir = await testdir({
      '.tapps-agents/audit/execution_audit.jsonl.2': `${event('2026-11-24T09:00:00.000Z', 'runner.started', { actor: 'runner:1' })}\n`,
      '.tapps-agents/audit/execution_audit.jsonl.1': `${event('2026-11-24T09:01:00.000Z', 'command.written', { workflow_id: 'wf', run_id: 'wf-1', step_id: 'plan', attempt: 1, actor: 'executor', details: { command: '@planner plan' } })}\ncorrupt\n`,
      '.tapps-agents/audit/execution_audit.jsonl': `${event('2026-11-24T09:02:00.000Z', 'execution.failed', { workflow_id: 'wf', run_id: 'wf-1', step_id: 'plan', attempt: 1, actor: 'runner:1', details: { error: 'exit code 2' } })}\n`,
    });
    const result = await runCli(['ae', 'audit'], { cwd: dir });
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'Audit log: the 3 most recent events',
        '',
        'time                  event             workflow/run/step  attempt  actor     details',
        '2026-11-24 09:02:00Z  execution.failed  wf/wf-1/plan       1        runner:1  {"error":"exit code 2"}',
        '2026-11-24 09:01:00Z  command.written   wf/wf-1/plan       1        executor  {"command":"@planner plan"}',
        '2026-11-24 09:00:00Z  runner.started    -/-/-              -        runner:1',
        '',
        'Skipped 1 unreadable line (corrupt or torn): execution_audit.jsonl.1 (1)',
        '',
      ].join('\n'),
    });
    const filtered = JSON.parse((await runCli(['ae', 'audit', '--event', 'command.written', '--json'], { cwd: dir })).stdout) as { events: { ts: string }[] };
    expect(filtered.events.map((item) => item.ts)).toEqual(['2026-11-24T09:01:00.000Z']);
    const bad = await runCli(['ae', 'audit', '--event', 'started'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('error: --event expects one of command.written, command.claimed,');
  });
});
