// `workflow cleanup` as a user runs it (needs the command registered in the `workflow` group).

import { access, mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStepWorktree } from '../../src/worktree/create-step-worktree.js';
import { detectIsolation, type GitIsolation } from '../../src/worktree/isolation.js';
import { runCli } from '../helpers/cli.js';
import { gitdir, gitIn } from './gitdir.js';

describe('tapps-agents workflow cleanup', () => {
  it('previews with --dry-run, then removes one run and leaves the other', async () => {
    const repo = await gitdir();
    const isolation = (await detectIsolation({ projectRoot: repo })) as GitIsolation;
    await createStepWorktree({ isolation, runId: 'run-a', stepId: 'one', attempt: 1 });
    await createStepWorktree({ isolation, runId: 'run-b', stepId: 'one', attempt: 1 });

    const dry = await runCli(['workflow', 'cleanup', '--run', 'run-a', '--dry-run'], { cwd: repo });
    expect(dry).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'Would remove 1 worktree of 1 run and 1 branch:',
        '  run-a  one (attempt 1, active)  .tapps-agents/worktrees/run-a/one-1  tapps/run-a/one',
        'Dry run: nothing was removed.',
        '',
      ].join('\n'),
    });

    const done = await runCli(['workflow', 'cleanup', '--run', 'run-a', '--json'], { cwd: repo });
    expect(done.exitCode).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ dryRun: false, branches: ['tapps/run-a/one'], removed: [{ run_id: 'run-a', step_id: 'one' }] });
    await expect(access(path.join(repo, '.tapps-agents/worktrees/run-b/one-1'))).resolves.toBeUndefined();
    expect(await gitIn(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/')).toBe('main\ntapps/run-b/one');

    // A run that is still running (its executor is alive) is left alone.
    const state = { schemaVersion: 1, run_id: 'run-b', status: 'running', executor: { pid: process.pid, host: hostname() }, steps: {} };
    await mkdir(path.join(repo, '.tapps-agents/workflow-state/run-b'), { recursive: true });
    await writeFile(path.join(repo, '.tapps-agents/workflow-state/run-b/state.json'), JSON.stringify(state));
    const live = await runCli(['workflow', 'cleanup'], { cwd: repo });
    expect(live.stdout).toBe('No run worktrees to remove.\nLeft alone (still running): run-b\n');
    await expect(access(path.join(repo, '.tapps-agents/worktrees/run-b/one-1'))).resolves.toBeUndefined();

    const nothing = await runCli(['workflow', 'cleanup', '--older-than', '7d'], { cwd: repo });
    expect(nothing.stdout).toBe('No run worktrees to remove.\n');
    const bad = await runCli(['workflow', 'cleanup', '--older-than', 'soon'], { cwd: repo });
    expect(bad).toMatchObject({ exitCode: 2, stderr: 'error: --older-than "soon" is not a duration; write a number with a unit, like "7d", "12h" or "30m".\n' });
  });
});
