// `workflow execute` with worktree isolation, end to end through the built CLI: parallel shell steps each change the
// repository in their own worktree, and every output comes back; a failed step's worktree is kept and shown.

import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { gitdir, gitIn } from './gitdir.js';

const PARALLEL = `id: parallel
settings:
  worktrees: true
steps:
  - id: left
    run: test ! -e right.txt && echo left > left.txt && echo "left was here" >> shared.md
    creates: [left.txt]
  - id: right
    needs: []
    run: test ! -e left.txt && echo right > right.txt
    creates: [right.txt]
  - id: join
    needs: [left, right]
    requires: [left.txt, right.txt]
    run: cat left.txt right.txt > joined.txt
    creates: [joined.txt]
`;

describe('workflow execute with worktrees', () => {
  it('runs parallel steps in separate worktrees and brings every declared output back', async () => {
    const repo = await gitdir({ 'README.md': '# p\n', 'shared.md': 'base\n', 'flow.yaml': PARALLEL });
    const result = await runCli(['workflow', 'execute', '--workflow', 'flow.yaml'], { cwd: repo, timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(await readFile(path.join(repo, 'joined.txt'), 'utf8')).toBe('left\nright\n');
    expect(await readFile(path.join(repo, 'left.txt'), 'utf8')).toBe('left\n');
    // left changed shared.md, which it did not declare: its worktree is kept rather than losing that change.
    expect(await readFile(path.join(repo, 'shared.md'), 'utf8')).toBe('base\n');
    expect(result.stdout).toMatch(/step left: worktree kept at \S+\/\.tapps-agents\/worktrees\/parallel-\S+\/left-1 \(it holds changes that are not declared outputs: shared\.md\)/);
    const runs = await readdir(path.join(repo, '.tapps-agents/worktrees'));
    const runDir = runs.find((name) => name.startsWith('parallel-')) as string;
    expect((await readdir(path.join(repo, '.tapps-agents/worktrees', runDir))).sort()).toEqual(['left-1', 'left-1.json']);
    expect(await gitIn(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/')).toBe(`main\ntapps/${runDir}/left`);
  });

  it('keeps the worktree of a failed step and shows it in workflow status', async () => {
    const flow = `id: failing\nsettings:\n  worktrees: true\nsteps:\n  - id: build\n    run: echo partial > partial.txt && exit 4\n    creates: [out.txt]\n`;
    const repo = await gitdir({ 'flow.yaml': flow });
    const result = await runCli(['workflow', 'execute', '--workflow', 'flow.yaml'], { cwd: repo, timeoutMs: 120_000 });
    expect(result.exitCode).toBe(1);
    const runId = (await readdir(path.join(repo, '.tapps-agents/workflow-state')))[0] as string;
    const status = await runCli(['workflow', 'status', runId], { cwd: repo });
    const kept = `.tapps-agents/worktrees/${runId}/build-`;
    expect(status.stdout).toContain(`(worktree ${kept}`);
    const attempts = (await readdir(path.join(repo, '.tapps-agents/worktrees', runId))).filter((name) => !name.endsWith('.json'));
    for (const attempt of attempts) expect(await readFile(path.join(repo, '.tapps-agents/worktrees', runId, attempt, 'partial.txt'), 'utf8')).toBe('partial\n');
    await expect(access(path.join(repo, 'partial.txt'))).rejects.toThrow();

    const cleanup = await runCli(['workflow', 'cleanup', '--run', runId], { cwd: repo });
    expect(cleanup.stdout).toContain(`Removed ${attempts.length} worktree`);
    expect(await gitIn(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/')).toBe('main');
  });

  it('fails a step whose output was changed in the project meanwhile, and overwrites nothing', async () => {
    const flow = `id: clash\nsettings:\n  worktrees: true\nsteps:\n  - id: edit\n    run: echo step > notes.md\n    creates: [notes.md]\n`;
    const repo = await gitdir({ 'flow.yaml': flow, 'notes.md': 'base\n' });
    await writeFile(path.join(repo, 'notes.md'), 'mine\n'); // uncommitted: the step does not see it
    const result = await runCli(['workflow', 'execute', '--workflow', 'flow.yaml'], { cwd: repo, timeoutMs: 120_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('The project has uncommitted changes in 1 tracked file(s)');
    expect(result.stdout).toContain('cannot bring its outputs back: notes.md (changed in the project). Nothing was overwritten;');
    expect(await readFile(path.join(repo, 'notes.md'), 'utf8')).toBe('mine\n');
  });

  it('runs in plain directories with a clear message in a directory that is not a git repository', async () => {
    const root = await testdir({ 'flow.yaml': `id: plain\nsettings:\n  worktrees: true\nsteps:\n  - id: a\n    run: echo a > a.txt\n    creates: [a.txt]\n` });
    const result = await runCli(['workflow', 'execute', '--workflow', 'flow.yaml'], { cwd: root, timeoutMs: 120_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Worktree isolation is on, but ${root} is not in a git repository: steps run in plain step directories under .tapps-agents/workflow-state instead. Run "git init" and commit to isolate steps.`);
    expect(await readFile(path.join(root, 'a.txt'), 'utf8')).toBe('a\n');
  });

  it('reports a bad settings.worktrees with file:line', async () => {
    const root = await testdir({ 'flow.yaml': `id: bad\nsettings:\n  worktrees:\n    merge: rebase\nsteps:\n  - id: a\n    run: "true"\n` });
    const result = await runCli(['workflow', 'validate', 'flow.yaml'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stdout + result.stderr).toContain(`flow.yaml:4:12: settings.worktrees.merge: expected "copy" (copy the declared artifacts back) or "commit" (merge the step's commits)`);
  });
});
