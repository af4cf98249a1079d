// Issue 14 (classes 1, 2, 3, 5) with the built CLI, each case in a fresh project: ids are never paths, nothing is
// written through a link out of the project, no secret on disk with auto-execution off, damaged runs are reported.

import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

const SHELL_WORKFLOW = 'id: demo\nsteps:\n  - id: hello\n    run: echo "key=$DEMO_API_KEY pg=$PGPASSWORD url=$DATABASE_URL"\n';

/**
 * A project with one finished run (inline, auto-execution off); returns its root and run id. The project sits alone in
 * a directory of its own, so "nothing written beside it" is not disturbed by other tests' temporary directories.
 */
async function projectWithRun(env: Record<string, string> = {}): Promise<{ root: string; runId: string }> {
  const root = path.join(await testdir({ 'project/wf/w.yaml': SHELL_WORKFLOW }), 'project');
  const result = await runCli(['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], { cwd: root, env });
  expect(result.exitCode, result.stderr).toBe(0);
  const [runId] = await readdir(path.join(root, '.tapps-agents', 'workflow-state'));
  return { root, runId: runId as string };
}

describe('ids are never paths (every CLI entry that takes an id)', () => {
  const BAD_IDS = ['../../../outside/x', '.', '..', 'a'.repeat(300), '__proto__', 'a/b'];
  const entries = (id: string, runId: string): string[][] => [
    ['workflow', 'status', id],
    ['workflow', 'resume', id],
    ['workflow', 'cancel', id],
    ['workflow', 'approve', id, 'hello'],
    ['workflow', 'reject', id, 'hello'],
    ['workflow', 'cleanup', '--run', id],
    ['workflow', 'approve', runId, id],
    ['workflow', 'reject', runId, id],
  ];
  it('refuses each bad id with a usage error (exit 2), never ENAMETOOLONG or a crash, and writes nothing outside', { timeout: 120_000 }, async () => {
    const { root, runId } = await projectWithRun();
    const outsideBefore = await readdir(path.dirname(root));
    for (const id of BAD_IDS) {
      for (const args of entries(id, runId)) {
        const result = await runCli(args, { cwd: root });
        expect({ args: args.join(' ').slice(0, 80), exit: result.exitCode }).toEqual({ args: args.join(' ').slice(0, 80), exit: 2 });
        expect(result.stderr).not.toMatch(/ENAMETOOLONG|TypeError|^\s+at /m);
      }
    }
    expect((await readdir(path.dirname(root))).filter((name) => !outsideBefore.includes(name))).toEqual([]);
  });

  it('workflow approve <run> __proto__ says the step does not exist', { timeout: 60_000 }, async () => {
    const { root, runId } = await projectWithRun();
    const result = await runCli(['workflow', 'approve', runId, '__proto__'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error: Run ${runId} has no step "__proto__"`);
    const constructor = await runCli(['workflow', 'approve', runId, 'constructor'], { cwd: root });
    expect(constructor.stderr).toContain(`error: Run ${runId} has no step "constructor"`);
  });
});

describe('writes never follow a link out of the project', () => {
  it('an audit log or metrics directory that is a link out is refused; the target is unchanged', { timeout: 60_000 }, async () => {
    const outside = await testdir({ 'bashrc': 'export PS1=x\n', 'metrics/.keep': '' });
    const root = await testdir({ 'wf/w.yaml': 'id: demo\nsteps:\n  - id: hello\n    run: echo hi\n' });
    await mkdir(path.join(root, '.tapps-agents', 'audit'), { recursive: true });
    await symlink(path.join(outside, 'bashrc'), path.join(root, '.tapps-agents', 'audit', 'execution_audit.jsonl'));
    await symlink(path.join(outside, 'metrics'), path.join(root, '.tapps-agents', 'metrics'));
    await runCli(['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], { cwd: root });
    expect(await readFile(path.join(outside, 'bashrc'), 'utf8')).toBe('export PS1=x\n');
    expect(await readdir(path.join(outside, 'metrics'))).toEqual(['.keep']);
  });

  it('a step directory reached through a link out is not created there', { timeout: 60_000 }, async () => {
    const outside = await testdir();
    const root = await testdir({ 'wf/w.yaml': 'id: demo\nsteps:\n  - id: hello\n    run: echo hi\n' });
    await mkdir(path.join(root, '.tapps-agents'), { recursive: true });
    await symlink(outside, path.join(root, '.tapps-agents', 'workflow-state'));
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('(a symbolic link leads out). Replace the link with a directory.');
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('no secret on disk with auto-execution off', () => {
  it('a step printing $DEMO_API_KEY, $PGPASSWORD and $DATABASE_URL leaves none of them in state, events or metrics', { timeout: 60_000 }, async () => {
    const env = { DEMO_API_KEY: 'demo-key-0123456789', PGPASSWORD: 'pg-secret-pass', DATABASE_URL: 'postgres://app:url-secret-pw@db/app' };
    const { root } = await projectWithRun(env);
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(file);
        else files.push(file);
      }
    };
    await walk(path.join(root, '.tapps-agents'));
    const contents = (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
    expect(contents).toContain('***REDACTED***');
    for (const secret of ['demo-key-0123456789', 'pg-secret-pass', 'url-secret-pw']) expect(contents).not.toContain(secret);
  });
});

describe('damaged run data', () => {
  it('list reports damaged runs beside the good one; status and resume exit 65 with the path', { timeout: 60_000 }, async () => {
    const { root, runId } = await projectWithRun();
    const state = path.join(root, '.tapps-agents', 'workflow-state');
    const good = await readFile(path.join(state, runId, 'state.json'), 'utf8');
    const damaged: Record<string, string> = {
      'only-version': '{"schemaVersion":1}',
      'null-executor': good.replace(/"executor":\{[^}]*\}/, '"executor":null'),
      'no-steps': JSON.stringify({ ...(JSON.parse(good) as object), steps: undefined }),
      'not-json': 'not json',
      'a-directory': 'dir',
    };
    for (const [name, content] of Object.entries(damaged)) {
      await mkdir(path.join(state, name, ...(content === 'dir' ? ['state.json'] : [])), { recursive: true });
      if (content !== 'dir') await writeFile(path.join(state, name, 'state.json'), content);
    }
    const list = await runCli(['workflow', 'list', '--json'], { cwd: root });
    expect(list.exitCode).toBe(0);
    const parsed = JSON.parse(list.stdout) as { runs: { run_id: string }[]; damaged: { run_id: string; file: string }[] };
    expect(parsed.runs.map((run) => run.run_id)).toEqual([runId]);
    expect(parsed.damaged.map((run) => run.run_id)).toEqual(Object.keys(damaged).sort());
    for (const name of Object.keys(damaged)) {
      for (const command of ['status', 'resume']) {
        const result = await runCli(['workflow', command, name], { cwd: root });
        expect({ name, command, exit: result.exitCode }).toEqual({ name, command, exit: 65 });
        expect(result.stderr).toContain(`error: Run ${name} is damaged: ${path.join(state, name, 'state.json')}`);
      }
    }
  });

  it('an append after a torn last line of events.jsonl, the metrics file or the audit log starts on a fresh line', { timeout: 60_000 }, async () => {
    const { root, runId } = await projectWithRun();
    const events = path.join(root, '.tapps-agents', 'workflow-state', runId, 'events.jsonl');
    const [metricsFile] = await readdir(path.join(root, '.tapps-agents', 'metrics'));
    const torn = [events, path.join(root, '.tapps-agents', 'metrics', metricsFile as string), path.join(root, '.tapps-agents', 'audit', 'execution_audit.jsonl')];
    for (const file of torn) await writeFile(file, `${await readFile(file, 'utf8')}{"torn":`);
    await runCli(['workflow', 'resume', runId], { cwd: root }); // succeeded: refused, but appends an audit line at most
    await runCli(['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], { cwd: root });
    for (const file of torn.slice(1)) {
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
      const parsedAfterTorn = lines.slice(lines.indexOf('{"torn":') + 1).map((line) => JSON.parse(line) as unknown);
      expect(lines, file).toContain('{"torn":');
      expect(parsedAfterTorn.length, file).toBeGreaterThan(0);
    }
  });

  it('cancel of a dead run whose pid now belongs to another process does not signal that process', { timeout: 60_000 }, async () => {
    const { root, runId } = await projectWithRun();
    const file = path.join(root, '.tapps-agents', 'workflow-state', runId, 'state.json');
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const state = JSON.parse(await readFile(file, 'utf8')) as { status: string; executor: { pid: number; start?: string } };
      // The run's executor was recorded with its start time; "its" pid is now the sleep, started later.
      state.status = 'running';
      state.executor.pid = other.pid as number;
      await writeFile(file, JSON.stringify(state));
      const result = await runCli(['workflow', 'cancel', runId], { cwd: root });
      expect(result.stdout).toContain(`Run ${runId} had no live executor; marked it cancelled.`);
      expect(other.exitCode).toBeNull();
      expect(other.signalCode).toBeNull();
    } finally {
      other.kill('SIGKILL');
    }
  });
});
