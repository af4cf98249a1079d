// `auto-execution health`: every check failing on purpose with its exit code (0 healthy, 1 degraded, 2 unhealthy),
// and proof that it changes nothing in the project. Disk space thresholds are unit-tested (src/observability/health.test.ts).

import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runnerStatusJson, UNUSABLE_RUNNER_FILES } from '../helpers/protocol-fixtures.js';
import { testdir } from '../helpers/testdir.js';
import { fixtureProject } from './fixture.js';

interface Report {
  overall: string;
  checks: { name: string; status: string; message: string; fix?: string; details: Record<string, unknown> }[];
}

/** A project set up by `init` (valid configuration, auto runner). */
async function initialised(extra: Record<string, string> = {}): Promise<string> {
  const dir = await testdir();
  expect((await runCli(['init'], { cwd: dir })).exitCode).toBe(0);
  for (const [name, content] of Object.entries(extra)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

async function health(dir: string): Promise<{ exitCode: number; report: Report; check: (name: string) => Report['checks'][number] | undefined }> {
  const result = await runCli(['ae', 'health', '--json'], { cwd: dir });
  const report = JSON.parse(result.stdout) as Report;
  return { exitCode: result.exitCode, report, check: (name) => report.checks.find((check) => check.name === name) };
}

/** Every file and directory under `root` with its content and mtime. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const info = await stat(file);
    result[path.relative(root, file)] = `${info.mtimeMs} ${info.mode} ${entry.isFile() ? await readFile(file, 'utf8') : '<dir>'}`;
  }
  return result;
}

const STEP = '.tapps-agents/workflow-state/r1/steps/s1/.cursor';

describe('auto-execution health', () => {
  it('reports a healthy project in text, exit 0', async () => {
    const dir = await initialised();
    const result = await runCli(['ae', 'health'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.replace(/\d+(\.\d)? [KMGT]iB free/, '<n> GiB free')).toBe(
      [
        '[OK] Overall: HEALTHY',
        '',
        '[OK]  Background agent configuration  .cursor/background-agents.yaml is valid (1 agent, 1 enabled)',
        '[OK]  Configuration                   settings resolve without errors (auto-execution on, runner auto)',
        '[OK]  File system                     .tapps-agents/ is writable',
        '[OK]  Status file access              no status files yet',
        '[OK]  Command file access             no command files waiting',
        '[OK]  Background agent runner         no background agent running; an embedded runner starts with each workflow execute (workflow.runner is "auto")',
        '[OK]  Step worktrees                  no orphaned step worktrees or branches (0 active, 0 kept for inspection)',
        '[OK]  Disk space                      <n> GiB free',
        '',
      ].join('\n'),
    );
  });

  it('missing background agent configuration: degraded with the fix, exit 1', async () => {
    const dir = await initialised();
    await rm(path.join(dir, '.cursor/background-agents.yaml'));
    const result = await runCli(['ae', 'health'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      '[WARN] Overall: DEGRADED',
      '',
      '[WARN]  Background agent configuration  .cursor/background-agents.yaml not found: no background agent is configured',
      '        fix: create it with "tapps-agents background-agent-config generate"',
    ]);
  });

  it('invalid background agent configuration: unhealthy listing the problems, exit 2', async () => {
    const dir = await initialised({ '.cursor/background-agents.yaml': 'agents:\n  - name: x\n    type: foreground\n    commands: []\n' });
    const result = await runCli(['ae', 'health'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stdout.split('\n').slice(0, 6)).toEqual([
      '[FAIL] Overall: UNHEALTHY',
      '',
      '[FAIL]  Background agent configuration  .cursor/background-agents.yaml has 2 problems',
      '        .cursor/background-agents.yaml:3:11: agents.0.type: expected "background", got "foreground"',
      '        .cursor/background-agents.yaml:4:15: agents.0.commands: must not be empty',
      '        fix: fix the problems listed, then check with "tapps-agents background-agent-config validate"',
    ]);
  });

  it('invalid project configuration: unhealthy, exit 2', async () => {
    const dir = await initialised({ '.tapps-agents/config.yaml': 'workflow:\n  concurrency: 0\n' });
    const { exitCode, check } = await health(dir);
    expect(exitCode).toBe(2);
    expect(check('configuration')).toEqual({
      name: 'configuration',
      status: 'unhealthy',
      message: 'configuration has 1 problem',
      fix: 'fix the problems listed, then check with "tapps-agents config show"',
      details: { problems: ['.tapps-agents/config.yaml:2:16: workflow.concurrency: must be at least 1, got 0'] },
    });
  });

  it('.tapps-agents that is not a directory: file system unhealthy, exit 2', async () => {
    const dir = await testdir({ '.tapps-agents': 'a file', '.cursor/.keep': '' });
    const { exitCode, check } = await health(dir);
    expect(exitCode).toBe(2);
    expect(check('file_system')).toMatchObject({ status: 'unhealthy', message: '.tapps-agents exists but is not a directory', fix: 'move the file .tapps-agents away, then run "tapps-agents init"' });
  });

  it('a corrupt status file: degraded naming it, exit 1', async () => {
    const dir = await initialised({ [`${STEP}/.cursor-skill-status.json`]: '{"status": "runn', '.cursor/.cursor-skill-status.json': '{"status":"completed"}' });
    const { exitCode, check } = await health(dir);
    expect(exitCode).toBe(1);
    expect(check('status_file_access')).toEqual({
      name: 'status_file_access',
      status: 'degraded',
      message: `1 of 2 status files cannot be read: ${STEP}/.cursor-skill-status.json (not valid JSON)`,
      fix: 'the step that wrote it will time out; delete the file to let the step be retried',
      details: { status_files_found: 2, unreadable: [`${STEP}/.cursor-skill-status.json (not valid JSON)`] },
    });
  });

  it('a command file waiting unclaimed past the threshold: degraded naming it and its age, exit 1', async () => {
    const dir = await initialised({ [`${STEP}/.cursor-skill-command.txt`]: '{"command":"@analyst gather"}', '.tapps-agents/worktrees/wt1/.cursor/.cursor-skill-command.txt': '{}' });
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    await utimes(path.join(dir, STEP, '.cursor-skill-command.txt'), tenMinutesAgo, tenMinutesAgo);
    const { exitCode, check } = await health(dir);
    expect(exitCode).toBe(1);
    expect(check('command_file_access')).toEqual({
      name: 'command_file_access',
      status: 'degraded',
      message: `1 command file waiting unclaimed longer than 1m: ${STEP}/.cursor-skill-command.txt (waiting 10m)`,
      fix: 'no runner is picking them up: start one with "tapps-agents background-agent start", or check "tapps-agents auto-execution status"',
      details: { command_files_found: 2, unclaimed_threshold: '1m', waiting: [`${STEP}/.cursor-skill-command.txt (waiting 10m)`] },
    });
  });

  it('keeps the runner mode of a valid config.yaml when another configuration file is broken', async () => {
    const dir = await initialised({ '.tapps-agents/config.yaml': 'workflow:\n  runner: external\n', '.tapps-agents/auto_execution_config.yaml': 'auto_execution:\n  retry:\n    max_attempts: 0\n' });
    const { exitCode, check } = await health(dir);
    expect(exitCode).toBe(2);
    expect(check('configuration')?.status).toBe('unhealthy');
    expect(check('runner')).toMatchObject({ status: 'unhealthy', details: { mode: 'external' } });
  });

  it('runner mode external with no runner: unhealthy with the start command, exit 2; a live runner: healthy', async () => {
    const dir = await initialised({ '.tapps-agents/config.yaml': 'workflow:\n  runner: external\n' });
    const none = await runCli(['ae', 'health'], { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(none.stdout).toContain(
      '[FAIL]  Background agent runner         no background agent running, and workflow.runner is "external"\n        fix: start one with "tapps-agents background-agent start"\n',
    );
    // A status file left by a runner that died is not a live runner.
    await mkdir(path.join(dir, '.tapps-agents/runner'), { recursive: true });
    await writeFile(path.join(dir, '.tapps-agents/runner/status.json'), runnerStatusJson({ pid: 2 ** 22 + 7 }));
    const stale = await health(dir);
    expect(stale.exitCode).toBe(2);
    expect(stale.check('runner')?.details).toMatchObject({ stale_status_file: '.tapps-agents/runner/status.json' });
    await writeFile(path.join(dir, '.tapps-agents/runner/status.json'), runnerStatusJson());
    const live = await health(dir);
    expect(live.exitCode).toBe(0);
    expect(live.check('runner')?.message).toBe(`background agent pid ${process.pid} is running on ${hostname()} (state running)`);
    // Another host's runner: alive by its heartbeat within three intervals (the rule dispatch uses), gone after.
    await writeFile(path.join(dir, '.tapps-agents/runner/status.json'), runnerStatusJson({ pid: 1, host: 'another-host' }));
    expect((await health(dir)).check('runner')?.status).toBe('healthy');
    await writeFile(path.join(dir, '.tapps-agents/runner/status.json'), runnerStatusJson({ pid: 1, host: 'another-host', heartbeat_at: new Date(Date.now() - 30_000).toISOString() }));
    expect((await health(dir)).check('runner')?.details).toMatchObject({ stale_status_file: '.tapps-agents/runner/status.json' });
  });

  it('an unusable runner status file (empty, truncated, wrong types, no host, a directory): degraded saying why, exit 1', async () => {
    const dir = await initialised();
    const file = path.join(dir, '.tapps-agents/runner/status.json');
    await mkdir(path.dirname(file), { recursive: true });
    for (const [what, text, problem] of UNUSABLE_RUNNER_FILES) {
      await writeFile(file, text);
      const { exitCode, check } = await health(dir);
      expect(exitCode, what).toBe(1);
      expect(check('runner'), what).toMatchObject({ status: 'degraded', message: `.tapps-agents/runner/status.json ${problem}`, details: { problem } });
    }
    await rm(file);
    await mkdir(file);
    expect((await health(dir)).check('runner')).toMatchObject({ status: 'degraded', message: '.tapps-agents/runner/status.json is a directory, not a file' });
  });

  it('looks for command files exactly where a runner watches, not at the project root', async () => {
    const dir = await initialised({ '.cursor-skill-command.txt': '{}', 'sub/.cursor-skill-command.txt': '{}', [`${STEP}/.cursor-skill-command.txt`]: '{}', '.cursor/.cursor-skill-command.txt': '{}' });
    const { check } = await health(dir);
    expect(check('command_file_access')?.details).toMatchObject({ command_files_found: 2 });
    // A watch path with "/" is watched where it says, and so is it checked.
    const configured = await initialised({ 'inbox/job.txt': '{}' });
    const config = path.join(configured, '.cursor/background-agents.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace(/watch_paths:\n(\s+)- /, 'watch_paths:\n$1- inbox/*.txt\n$1- '));
    const found = (await health(configured)).check('command_file_access');
    expect(found?.details, JSON.stringify(found)).toMatchObject({ command_files_found: 1 });
  });

  it('changes nothing in the project, and creates nothing in an empty directory', async () => {
    const dir = await fixtureProject({ [`${STEP}/.cursor-skill-status.json`]: '{bad', [`${STEP}/.cursor-skill-command.txt`]: '{}' });
    const before = await snapshot(dir);
    await runCli(['ae', 'health'], { cwd: dir });
    await runCli(['ae', 'health', '--json'], { cwd: dir });
    expect(await snapshot(dir)).toEqual(before);
    const empty = await testdir();
    const result = await runCli(['ae', 'health'], { cwd: empty });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('[OK]    File system                     .tapps-agents/ does not exist yet; it can be created (the project directory is writable)\n');
    expect(await readdir(empty)).toEqual([]);
  });
});
