// Step worktrees against real git repositories in temporary directories.

import { access, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TappsError } from '../../src/errors.js';
import { cleanupWorktrees } from '../../src/worktree/cleanup.js';
import { createStepWorktree } from '../../src/worktree/create-step-worktree.js';
import { finishStepWorktree } from '../../src/worktree/finish-step-worktree.js';
import { findWorktreeOrphans } from '../../src/worktree/inventory.js';
import { detectIsolation, type GitIsolation } from '../../src/worktree/isolation.js';
import { readManifest } from '../../src/worktree/manifest.js';
import { testdir } from '../helpers/testdir.js';
import { gitdir, gitIn } from './gitdir.js';

async function isolationOf(projectRoot: string): Promise<GitIsolation> {
  const isolation = await detectIsolation({ projectRoot });
  if (isolation.mode !== 'worktrees') throw new Error(isolation.message);
  return isolation;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function branches(repo: string): Promise<string[]> {
  return (await gitIn(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/')).split('\n').filter(Boolean);
}

async function caught(promise: Promise<unknown>): Promise<TappsError> {
  try {
    await promise;
  } catch (error) {
    if (TappsError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a TappsError');
}

describe('when isolation is not possible', () => {
  it('falls back to plain step directories in a directory that is not a git repository', async () => {
    const root = await testdir({ 'a.txt': 'a' });
    const isolation = await detectIsolation({ projectRoot: root });
    expect(isolation).toEqual({
      mode: 'plain',
      reason: 'not-a-repository',
      message: `Worktree isolation is on, but ${root} is not in a git repository: steps run in plain step directories under .tapps-agents/workflow-state instead. Run "git init" and commit to isolate steps.`,
    });
  });

  it('falls back when git is not installed', async () => {
    const root = await gitdir();
    const isolation = await detectIsolation({ projectRoot: root, gitBinary: '/nonexistent/git' });
    expect(isolation).toMatchObject({ mode: 'plain', reason: 'git-missing' });
    expect(isolation.mode === 'plain' && isolation.message).toBe(
      'Worktree isolation is on, but git ("/nonexistent/git") was not found on PATH: steps run in plain step directories under .tapps-agents/workflow-state instead. Install git to isolate steps.',
    );
  });

  it('falls back on a detached HEAD and in a repository without commits', async () => {
    const root = await gitdir();
    const head = await gitIn(root, 'rev-parse', 'HEAD');
    await gitIn(root, 'checkout', '--quiet', '--detach');
    const detached = await detectIsolation({ projectRoot: root });
    expect(detached.mode === 'plain' && detached.message).toBe(
      `Worktree isolation is on, but HEAD is detached (at ${head.slice(0, 12)}): steps run in plain step directories under .tapps-agents/workflow-state instead. Check out a branch ("git switch <branch>") to isolate steps.`,
    );
    const empty = await testdir();
    await gitIn(empty, 'init', '--quiet');
    expect(await detectIsolation({ projectRoot: empty })).toMatchObject({ mode: 'plain', reason: 'no-commits' });
  });
});

describe('step worktrees', () => {
  it('runs parallel steps in separate worktrees and brings every output back', async () => {
    const repo = await gitdir({ 'README.md': '# project\n', 'src/app.ts': 'export const app = 1;\n' });
    const isolation = await isolationOf(repo);
    const [a, b] = await Promise.all([
      createStepWorktree({ isolation, runId: 'wf-run1', stepId: 'design', attempt: 1, outputs: ['docs/design.md'] }),
      createStepWorktree({ isolation, runId: 'wf-run1', stepId: 'code', attempt: 1, outputs: ['src/app.ts'] }),
    ]);
    expect(a.path).toBe(path.join(repo, '.tapps-agents/worktrees/wf-run1/design-1'));
    expect(a.stepDir).toBe(a.path);
    expect(a.branch).toBe('tapps/wf-run1/design');
    expect(await gitIn(a.path, 'symbolic-ref', '--short', 'HEAD')).toBe('tapps/wf-run1/design');
    expect(await gitIn(b.path, 'symbolic-ref', '--short', 'HEAD')).toBe('tapps/wf-run1/code');
    // --no-track: no upstream configured for the step branches.
    expect(await gitIn(repo, 'config', '--get-regexp', '^branch\\.').catch(() => '')).toBe('');

    await mkdir(path.join(a.stepDir, 'docs'));
    await writeFile(path.join(a.stepDir, 'docs/design.md'), '# design\n');
    await writeFile(path.join(b.stepDir, 'src/app.ts'), 'export const app = 2;\n');
    // Protocol files in the step directory are never outputs.
    await mkdir(path.join(b.stepDir, '.cursor'));
    await writeFile(path.join(b.stepDir, '.cursor/.cursor-skill-status.json'), '{}');

    const [doneA, doneB] = await Promise.all([
      finishStepWorktree(a.manifestPath, isolation, { outcome: 'success' }),
      finishStepWorktree(b.manifestPath, isolation, { outcome: 'success' }),
    ]);
    expect(doneA).toMatchObject({ kept: false, returned: { mode: 'copy', copied: ['docs/design.md'], missing: [] } });
    expect(doneB).toMatchObject({ kept: false, returned: { copied: ['src/app.ts'] } });
    expect(await readFile(path.join(repo, 'docs/design.md'), 'utf8')).toBe('# design\n');
    expect(await readFile(path.join(repo, 'src/app.ts'), 'utf8')).toBe('export const app = 2;\n');
    // Nothing left behind: no worktree, no branch, no record, and git status of the project ignores the folder.
    expect(await exists(a.path)).toBe(false);
    expect(await exists(b.manifestPath)).toBe(false);
    expect(await branches(repo)).toEqual(['main']);
    expect(await gitIn(repo, 'status', '--porcelain')).toBe('M src/app.ts\n?? docs/'.replace('\n', '\n'));
  });

  it('starts a step from the base commit plus the artifacts of the steps it depends on', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const first = await createStepWorktree({ isolation, runId: 'r', stepId: 'requirements', attempt: 1, outputs: ['requirements.md'] });
    await writeFile(path.join(first.stepDir, 'requirements.md'), 'must do X\n');
    await finishStepWorktree(first.manifestPath, isolation, { outcome: 'success' });

    const second = await createStepWorktree({ isolation, runId: 'r', stepId: 'design', attempt: 1, inputs: ['requirements.md'], outputs: ['design.md'] });
    expect(await readFile(path.join(second.stepDir, 'requirements.md'), 'utf8')).toBe('must do X\n');
    await writeFile(path.join(second.stepDir, 'design.md'), 'design for X\n');
    const done = await finishStepWorktree(second.manifestPath, isolation, { outcome: 'success' });
    expect(done).toMatchObject({ kept: false, returned: { copied: ['design.md'] } });
  });

  it('reports a conflict with a file changed in the project meanwhile, overwrites nothing and keeps the worktree', async () => {
    const repo = await gitdir({ 'README.md': '# project\n', 'notes.md': 'one\n' });
    const isolation = await isolationOf(repo);
    const step = await createStepWorktree({ isolation, runId: 'r', stepId: 'docs', attempt: 1, outputs: ['README.md', 'notes.md'] });
    await writeFile(path.join(step.stepDir, 'README.md'), '# by the step\n');
    await writeFile(path.join(step.stepDir, 'notes.md'), 'two\n');
    await writeFile(path.join(repo, 'README.md'), '# by the user\n');

    const error = await caught(finishStepWorktree(step.manifestPath, isolation, { outcome: 'success' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(
      `Step "docs" of run r cannot bring its outputs back: README.md (changed in the project). Nothing was overwritten; the step's outputs are kept in ${step.stepDir}. Compare the files, merge them by hand, then rerun the step.`,
    );
    expect(await readFile(path.join(repo, 'README.md'), 'utf8')).toBe('# by the user\n');
    expect(await readFile(path.join(repo, 'notes.md'), 'utf8')).toBe('one\n'); // all or nothing
    expect(await readFile(path.join(step.stepDir, 'README.md'), 'utf8')).toBe('# by the step\n');
    expect(await readManifest(step.manifestPath)).toMatchObject({ state: 'kept', kept_reason: 'its outputs conflict with changes in the project' });
  });

  it('protects uncommitted changes of a dirty working tree', async () => {
    const repo = await gitdir({ 'notes.md': 'committed\n', 'other.md': 'x\n' });
    await writeFile(path.join(repo, 'notes.md'), 'uncommitted edit\n');
    const isolation = await isolationOf(repo);
    expect(isolation.warnings).toEqual([
      `The project has uncommitted changes in 1 tracked file(s); step worktrees start from commit ${isolation.baseCommit.slice(0, 12)} and do not see them. A step output that would overwrite one of them is reported as a conflict.`,
    ]);
    const step = await createStepWorktree({ isolation, runId: 'r', stepId: 'edit', attempt: 1, outputs: ['notes.md', 'other.md'] });
    expect(await readFile(path.join(step.stepDir, 'notes.md'), 'utf8')).toBe('committed\n');
    await writeFile(path.join(step.stepDir, 'notes.md'), 'step edit\n');
    await writeFile(path.join(step.stepDir, 'other.md'), 'y\n');
    const error = await caught(finishStepWorktree(step.manifestPath, isolation, { outcome: 'success' }));
    expect(error.message).toContain('cannot bring its outputs back: notes.md (changed in the project). Nothing was overwritten;');
    expect(await readFile(path.join(repo, 'notes.md'), 'utf8')).toBe('uncommitted edit\n');
  });

  it('keeps the worktree of a failed attempt and starts the next attempt afresh on the same branch', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const first = await createStepWorktree({ isolation, runId: 'r', stepId: 'impl', attempt: 1, outputs: ['out.txt'] });
    await writeFile(path.join(first.stepDir, 'half-done.txt'), 'partial\n');
    const failed = await finishStepWorktree(first.manifestPath, isolation, { outcome: 'failed', reason: 'exit code 1' });
    expect(failed).toEqual({ path: first.path, stepDir: first.stepDir, kept: true, keptReason: 'exit code 1' });
    expect(await readFile(path.join(first.path, 'half-done.txt'), 'utf8')).toBe('partial\n');

    const second = await createStepWorktree({ isolation, runId: 'r', stepId: 'impl', attempt: 2, outputs: ['out.txt'] });
    expect(second.path).toBe(path.join(repo, '.tapps-agents/worktrees/r/impl-2'));
    expect(await exists(path.join(second.path, 'half-done.txt'))).toBe(false);
    expect(await gitIn(second.path, 'symbolic-ref', '--short', 'HEAD')).toBe('tapps/r/impl');
    // The failed attempt is still there for inspection, on a detached HEAD.
    expect(await readFile(path.join(first.path, 'half-done.txt'), 'utf8')).toBe('partial\n');
    await writeFile(path.join(second.stepDir, 'out.txt'), 'done\n');
    expect(await finishStepWorktree(second.manifestPath, isolation, { outcome: 'success' })).toMatchObject({ kept: false });
    expect(await exists(first.path)).toBe(true);
  });

  it('keeps a successful worktree that holds changes beyond its declared outputs', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const step = await createStepWorktree({ isolation, runId: 'r', stepId: 's', attempt: 1, outputs: ['out.md'] });
    await writeFile(path.join(step.stepDir, 'out.md'), 'out\n');
    await writeFile(path.join(step.stepDir, 'scratch.ts'), 'undeclared\n');
    const done = await finishStepWorktree(step.manifestPath, isolation, { outcome: 'success' });
    expect(done).toMatchObject({ kept: true, keptReason: 'it holds changes that are not declared outputs: scratch.ts', returned: { copied: ['out.md'] } });
    expect(await exists(step.path)).toBe(true);
  });

  it('reuses the worktree of an attempt when a run resumes', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const step = await createStepWorktree({ isolation, runId: 'r', stepId: 's', attempt: 1 });
    await writeFile(path.join(step.stepDir, 'progress.txt'), 'kept\n');
    const again = await createStepWorktree({ isolation, runId: 'r', stepId: 's', attempt: 1 });
    expect(again).toMatchObject({ path: step.path, reused: true });
    expect(await readFile(path.join(again.stepDir, 'progress.txt'), 'utf8')).toBe('kept\n');
  });

  it('creates 16 worktrees at once without a lock error', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const steps = await Promise.all(Array.from({ length: 16 }, (_, index) => createStepWorktree({ isolation, runId: 'many', stepId: `step-${index}`, attempt: 1 })));
    expect(new Set(steps.map((step) => step.path)).size).toBe(16);
    const listed = await gitIn(repo, 'worktree', 'list', '--porcelain');
    expect(listed.split('\n').filter((line) => line.startsWith('worktree ')).length).toBe(17);
  });

  it('creates and finishes steps of one run at the same time (the run directory is never removed under a creation)', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const reports = await Promise.all(
      Array.from({ length: 8 }, async (_, index) => {
        const step = await createStepWorktree({ isolation, runId: 'busy', stepId: `s${index}`, attempt: 1, outputs: [`out-${index}.txt`] });
        await writeFile(path.join(step.stepDir, `out-${index}.txt`), `${index}\n`);
        return finishStepWorktree(step.manifestPath, isolation, { outcome: 'success' });
      }),
    );
    expect(reports.every((report) => !report.kept)).toBe(true);
    for (let index = 0; index < 8; index++) expect(await readFile(path.join(repo, `out-${index}.txt`), 'utf8')).toBe(`${index}\n`);
    expect(await branches(repo)).toEqual(['main']);
  });

  it('places the step directory at the project inside a larger repository', async () => {
    const repo = await gitdir({ 'packages/app/package.json': '{}\n', 'README.md': 'mono\n' });
    const projectRoot = path.join(repo, 'packages/app');
    const isolation = await isolationOf(projectRoot);
    expect(isolation.projectPrefix).toBe('packages/app');
    const step = await createStepWorktree({ isolation, runId: 'r', stepId: 's', attempt: 1, outputs: ['out.md'] });
    expect(step.path).toBe(path.join(projectRoot, '.tapps-agents/worktrees/r/s-1'));
    expect(step.stepDir).toBe(path.join(step.path, 'packages/app'));
    await writeFile(path.join(step.stepDir, 'out.md'), 'x\n');
    await finishStepWorktree(step.manifestPath, isolation, { outcome: 'success' });
    expect(await readFile(path.join(projectRoot, 'out.md'), 'utf8')).toBe('x\n');
  });
});

describe('merge: commit', () => {
  it("merges the step's commits, committing what it left uncommitted, without the protocol files", async () => {
    const repo = await gitdir({ 'a.txt': 'a\n' });
    const isolation = await isolationOf(repo);
    const step = await createStepWorktree({ isolation, runId: 'r', stepId: 'impl', attempt: 1 });
    await writeFile(path.join(step.stepDir, 'a.txt'), 'a2\n');
    await gitIn(step.stepDir, 'commit', '--quiet', '-am', 'step change');
    await writeFile(path.join(step.stepDir, 'b.txt'), 'b\n');
    await mkdir(path.join(step.stepDir, '.cursor'));
    await writeFile(path.join(step.stepDir, '.cursor/.cursor-skill-command.claimed'), '{}');
    const done = await finishStepWorktree(step.manifestPath, isolation, { outcome: 'success', mode: 'commit' });
    expect(done).toMatchObject({ kept: false, returned: { mode: 'commit', mergedCommits: 2, copied: ['a.txt', 'b.txt'] } });
    expect(await gitIn(repo, 'log', '-1', '--format=%s')).toBe('tapps-agents: merge step impl of run r');
    expect(await gitIn(repo, 'ls-files')).toBe('a.txt\nb.txt');
    expect(await branches(repo)).toEqual(['main']);
  });

  it('aborts a conflicting merge and reports the files', async () => {
    const repo = await gitdir({ 'a.txt': 'a\n' });
    const isolation = await isolationOf(repo);
    const step = await createStepWorktree({ isolation, runId: 'r', stepId: 'impl', attempt: 1 });
    await writeFile(path.join(step.stepDir, 'a.txt'), 'from the step\n');
    await writeFile(path.join(repo, 'a.txt'), 'from the user\n');
    await gitIn(repo, 'commit', '--quiet', '-am', 'user change');
    const error = await caught(finishStepWorktree(step.manifestPath, isolation, { outcome: 'success', mode: 'commit' }));
    expect(error.message).toContain('cannot bring its outputs back: a.txt (merge conflict). Nothing was overwritten;');
    expect(await gitIn(repo, 'status', '--porcelain')).toBe('');
    expect(await readFile(path.join(repo, 'a.txt'), 'utf8')).toBe('from the user\n');
    expect(await exists(step.path)).toBe(true);
  });
});

describe('setup command', () => {
  it('runs once in each new worktree, and a failure keeps the worktree with a clear message', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const step = await createStepWorktree({ isolation, runId: 'r', stepId: 's', attempt: 1, setup: { command: 'echo installed >> setup.log' } });
    expect(step.setup?.command).toBe('echo installed >> setup.log');
    expect(await readFile(path.join(step.stepDir, 'setup.log'), 'utf8')).toBe('installed\n');
    await createStepWorktree({ isolation, runId: 'r', stepId: 's', attempt: 1, setup: { command: 'echo installed >> setup.log' } });
    expect(await readFile(path.join(step.stepDir, 'setup.log'), 'utf8')).toBe('installed\n');

    const error = await caught(createStepWorktree({ isolation, runId: 'r', stepId: 'broken', attempt: 1, setup: { command: 'echo missing lockfile >&2; exit 3' } }));
    const broken = path.join(repo, '.tapps-agents/worktrees/r/broken-1');
    expect(error.code).toBe('WORKTREE_FAILED');
    expect(error.message).toMatch(new RegExp(`^Setup command "echo missing lockfile >&2; exit 3" failed \\(exit code 3\\) after \\d+\\.\\d s in ${broken}; the worktree is kept for inspection\\.\\nmissing lockfile$`));
    expect(await exists(broken)).toBe(true);
  });
});

describe('cleanup and orphans', () => {
  it("removes one run's worktrees and branches and leaves other runs and the user's own alone", async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const a1 = await createStepWorktree({ isolation, runId: 'run-a', stepId: 'one', attempt: 1 });
    await createStepWorktree({ isolation, runId: 'run-a', stepId: 'two', attempt: 1 });
    const b1 = await createStepWorktree({ isolation, runId: 'run-b', stepId: 'one', attempt: 1 });
    await gitIn(repo, 'branch', 'tapps/user-branch');
    await gitIn(repo, 'worktree', 'add', '--quiet', '-b', 'mine', path.join(repo, '..', `${path.basename(repo)}-mine`));

    const dry = await cleanupWorktrees({ projectRoot: repo, runId: 'run-a', dryRun: true });
    expect(dry.removed.map((entry) => entry.path)).toEqual([a1.path, path.join(repo, '.tapps-agents/worktrees/run-a/two-1')]);
    expect(dry.branches).toEqual(['tapps/run-a/one', 'tapps/run-a/two']);
    expect(await exists(a1.path)).toBe(true);

    const done = await cleanupWorktrees({ projectRoot: repo, runId: 'run-a' });
    expect(done.removed).toHaveLength(2);
    expect(done.branches).toEqual(['tapps/run-a/one', 'tapps/run-a/two']);
    expect(await exists(a1.path)).toBe(false);
    expect(await exists(path.join(repo, '.tapps-agents/worktrees/run-a'))).toBe(false);
    expect(await exists(b1.path)).toBe(true);
    expect(await branches(repo)).toEqual(['main', 'mine', 'tapps/run-b/one', 'tapps/user-branch']);
    await rm(path.join(repo, '..', `${path.basename(repo)}-mine`), { recursive: true, force: true });
  });

  it('skips running runs and young worktrees', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    await createStepWorktree({ isolation, runId: 'live', stepId: 's', attempt: 1 });
    await createStepWorktree({ isolation, runId: 'done', stepId: 's', attempt: 1 });
    const young = await cleanupWorktrees({ projectRoot: repo, olderThanMs: 7 * 86_400_000 });
    expect(young.removed).toEqual([]);
    const later = new Date(Date.now() + 8 * 86_400_000);
    const report = await cleanupWorktrees({ projectRoot: repo, olderThanMs: 7 * 86_400_000, now: later, isRunActive: (runId) => runId === 'live' });
    expect(report.removed.map((entry) => entry.run_id)).toEqual(['done']);
    expect(report.skippedActiveRuns).toEqual(['live']);
  });

  it('finds worktrees deleted by hand, leftover directories and leaked branches', async () => {
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const gone = await createStepWorktree({ isolation, runId: 'r', stepId: 'gone', attempt: 1 });
    await rm(gone.path, { recursive: true, force: true });
    await mkdir(path.join(repo, '.tapps-agents/worktrees/r/stray-1'));
    await gitIn(repo, 'branch', 'tapps/old-run/step');
    const orphans = await findWorktreeOrphans({ projectRoot: repo });
    expect(orphans.map((orphan) => orphan.kind).sort()).toEqual(['leaked-branch', 'missing-directory', 'missing-directory', 'unregistered-directory']);
    expect(orphans.find((orphan) => orphan.kind === 'leaked-branch')?.message).toBe(
      'branch tapps/old-run/step has no worktree and no tapps-agents record in this project; delete it with "git branch -D tapps/old-run/step" if no other project in this repository uses it',
    );
    const report = await cleanupWorktrees({ projectRoot: repo });
    expect(report.strays).toEqual([path.join(repo, '.tapps-agents/worktrees/r/stray-1')]);
    expect(report.branches).toEqual(['tapps/r/gone']);
    expect((await findWorktreeOrphans({ projectRoot: repo })).map((orphan) => orphan.kind)).toEqual(['leaked-branch']);
    expect((await stat(path.join(repo, '.tapps-agents/worktrees'))).mode & 0o777).toBe(0o700);
  });
});

describe('health check', () => {
  it('is healthy with kept worktrees and degraded with orphans', async () => {
    const { checkWorktrees } = await import('../../src/worktree/worktree-health.js');
    const repo = await gitdir();
    const isolation = await isolationOf(repo);
    const failed = await createStepWorktree({ isolation, runId: 'r', stepId: 'a', attempt: 1 });
    await finishStepWorktree(failed.manifestPath, isolation, { outcome: 'failed' });
    expect(await checkWorktrees(repo)).toEqual({
      name: 'worktrees',
      status: 'healthy',
      message: 'no orphaned step worktrees or branches (0 active, 1 kept for inspection)',
      details: { orphans: [], kept: 1, active: 0 },
    });
    await createStepWorktree({ isolation, runId: 'dead', stepId: 'b', attempt: 1 });
    const check = await checkWorktrees(repo, () => false);
    expect(check.status).toBe('degraded');
    expect(check.message).toBe(
      `1 orphaned step worktree or branch: run dead is not running but its step "b" worktree is still active; resume the run or remove it with "tapps-agents workflow cleanup --run dead"`,
    );
    expect(check.fix).toBe('preview with "tapps-agents workflow cleanup --dry-run", then run it without --dry-run');
  });
});
