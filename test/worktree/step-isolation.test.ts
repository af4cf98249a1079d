// The executor's view: one StepIsolation per run, enter and leave per attempt.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StepIsolation } from '../../src/worktree/step-isolation.js';
import { testdir } from '../helpers/testdir.js';
import { gitdir, gitIn } from './gitdir.js';

describe('StepIsolation', () => {
  it('gives no workspace in a directory that is not a git repository, and says why', async () => {
    const root = await testdir();
    const isolation = await StepIsolation.forRun({ projectRoot: root, runId: 'r' });
    expect(isolation.plain?.reason).toBe('not-a-repository');
    expect(await isolation.enter({ stepId: 's', attempt: 1 })).toBeUndefined();
  });

  it('turns an output conflict into a failed, non-retryable attempt and keeps the worktree', async () => {
    const repo = await gitdir({ 'plan.md': 'v1\n' });
    const isolation = await StepIsolation.forRun({ projectRoot: repo, runId: 'r' });
    const workspace = await isolation.enter({ stepId: 'plan', attempt: 1, creates: ['plan.md'] });
    if (workspace === undefined) throw new Error('expected a worktree');
    await writeFile(path.join(workspace.stepDir, 'plan.md'), 'v2 by the step\n');
    await writeFile(path.join(repo, 'plan.md'), 'v2 by the user\n');
    const left = await isolation.leave(workspace, 'success');
    expect(left.error).toEqual({
      code: 'OUTPUT_CONFLICT',
      retryable: false,
      message: `Step "plan" of run r cannot bring its outputs back: plan.md (changed in the project). Nothing was overwritten; the step's outputs are kept in ${workspace.stepDir}. Compare the files, merge them by hand, then rerun the step.`,
    });
    expect(left.kept).toBe(true);
    expect(await readFile(path.join(repo, 'plan.md'), 'utf8')).toBe('v2 by the user\n');
  });

  it('starts a resumed run from the base commit it persisted', async () => {
    const repo = await gitdir({ 'a.txt': 'old\n' });
    const first = await StepIsolation.forRun({ projectRoot: repo, runId: 'r' });
    await writeFile(path.join(repo, 'a.txt'), 'new\n');
    await gitIn(repo, 'commit', '-qam', 'newer');
    const resumed = await StepIsolation.forRun({ projectRoot: repo, runId: 'r', baseCommit: first.git?.baseCommit as string });
    const workspace = await resumed.enter({ stepId: 's', attempt: 1 });
    expect(await readFile(path.join(workspace?.stepDir as string, 'a.txt'), 'utf8')).toBe('old\n');
  });
});
