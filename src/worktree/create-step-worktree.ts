// Creating the worktree one step attempt runs in: `.tapps-agents/worktrees/<run>/<step>-<attempt>` on branch
// `tapps/<run>/<step>` (--no-track), from the run's base commit plus the artifacts of the steps it depends on.

import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { createFileIfAbsent } from '../fs/atomic-write.js';
import { copyTreeFile, hashFile, listArtifactFiles } from './artifact-files.js';
import { gitFailure, gitOutput } from './git.js';
import type { GitIsolation } from './isolation.js';
import { readManifest, writeManifest, type WorktreeManifest } from './manifest.js';
import { manifestPathOf, projectRelative, stepBranchName, stepWorktreePath, WORKTREES_DIR } from './names.js';
import { gitWithLockRetry, serializeForRepo } from './repo-queue.js';
import { runSetupCommand, type SetupCommand, type SetupReport } from './setup-command.js';
import { listRegisteredWorktrees } from './worktree-list.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';

/** What the executor asks for when a step attempt starts. */
export interface StepWorktreeRequest {
  isolation: GitIsolation;
  runId: string;
  stepId: string;
  attempt: number;
  /** Project-relative artifacts of the steps this one depends on, copied in from the project root. */
  inputs?: readonly string[];
  /** Project-relative declared outputs (`creates`, `target_file`), brought back on success. */
  outputs?: readonly string[];
  /** The workflow's setup command, run once in the new worktree. */
  setup?: SetupCommand;
  signal?: AbortSignal;
}

/** A step attempt's worktree. */
export interface StepWorktree {
  runId: string;
  stepId: string;
  attempt: number;
  /** The worktree's root (absolute). */
  path: string;
  /** Where the step runs and its protocol files go: the worktree root, or the project's sub-directory inside it. */
  stepDir: string;
  branch: string;
  /** The record beside the worktree; pass it to finishStepWorktree after a restart. */
  manifestPath: string;
  /** True when the worktree already existed for this attempt (a resumed run) and was used as it is. */
  reused: boolean;
  setup?: SetupReport;
}

/**
 * Creates (or, on resume, reuses) the worktree of one step attempt. Worktree operations on one repository run one
 * at a time and are retried on lock errors.
 * @throws {TappsError} WORKTREE_FAILED when git fails; CONFLICT when the path or branch is taken by something that
 * is not this run's; WORKTREE_FAILED/TIMEOUT when the setup command fails (the worktree is kept)
 */
export async function createStepWorktree(request: StepWorktreeRequest): Promise<StepWorktree> {
  const { isolation, runId, stepId, attempt } = request;
  const projectRoot = isolation.projectRoot;
  const worktreePath = stepWorktreePath(projectRoot, runId, stepId, attempt);
  const branch = stepBranchName(runId, stepId);
  const manifestPath = manifestPathOf(worktreePath);
  const stepDir = path.join(worktreePath, isolation.projectPrefix);
  const outputs = (request.outputs ?? []).map(projectRelative);
  const inputs = (request.inputs ?? []).map(projectRelative);
  const base = { runId, stepId, attempt, path: worktreePath, stepDir, branch, manifestPath };

  await ensureWorktreesDirectory(projectRoot);
  const existing = await readManifest(manifestPath);
  if (await exists(worktreePath)) {
    if (existing !== undefined && existing.run_id === runId && existing.step_id === stepId && existing.attempt === attempt && existing.state !== 'creating') {
      return { ...base, reused: true };
    }
    if (existing?.state !== 'creating') {
      throw new TappsError('CONFLICT', `Cannot create the worktree for step "${stepId}" (attempt ${attempt}): ${worktreePath} already exists and was not created for this run. Remove it with "tapps-agents workflow cleanup --run ${runId}".`);
    }
    // A creation that crashed before the step started: nothing in it is anyone's output.
    await removeHalfCreated(isolation, worktreePath);
  }

  const manifest: WorktreeManifest = {
    schemaVersion: 1,
    project_root: projectRoot,
    run_id: runId,
    step_id: stepId,
    attempt,
    path: worktreePath,
    step_dir: stepDir,
    branch,
    base_commit: isolation.baseCommit,
    created_at: new Date().toISOString(),
    state: 'creating',
    outputs,
    seeds: {},
    inputs,
  };
  const repo = { cwd: isolation.repoRoot, gitBinary: isolation.gitBinary };
  await serializeForRepo(isolation.commonDir, async () => {
    // Written before git creates anything, so cleanup can always prove the worktree and branch are this project's;
    // and inside the queue, where a finishing step of the same run may remove the run directory once it is empty.
    await writeManifest(manifestPath, manifest);
    await releaseBranchFromEarlierAttempt(isolation, branch, projectRoot);
    const args = ['worktree', 'add', '--no-track', '-B', branch, worktreePath, isolation.baseCommit];
    const result = await gitWithLockRetry(args, repo);
    if (!result.ok) throw gitFailure(args, isolation.repoRoot, result);
  });

  const copiedInputs: string[] = [];
  for (const input of inputs) {
    for (const file of await listArtifactFiles(projectRoot, input)) {
      await copyTreeFile(projectRoot, stepDir, file);
      copiedInputs.push(file);
    }
  }
  const seeds: Record<string, string | null> = {};
  for (const output of outputs) {
    for (const file of await listArtifactFiles(stepDir, output)) seeds[file] = await hashFile(path.join(stepDir, file));
  }
  await writeManifest(manifestPath, { ...manifest, state: 'active', seeds, inputs: copiedInputs });

  if (request.setup === undefined) return { ...base, reused: false };
  try {
    const setup = await runSetupCommand(request.setup, stepDir, request.signal);
    return { ...base, reused: false, setup };
  } catch (error) {
    await writeManifest(manifestPath, { ...manifest, state: 'kept', seeds, inputs: copiedInputs, kept_reason: 'setup command failed' });
    throw error;
  }
}

/**
 * The branch of a step is reused by its attempts, and git lets one branch be checked out in one worktree only. A
 * kept worktree of an earlier attempt is switched to a detached HEAD at the same commit: its files and commits stay
 * for inspection, and the branch is free to start again from the base commit.
 */
async function releaseBranchFromEarlierAttempt(isolation: GitIsolation, branch: string, projectRoot: string): Promise<void> {
  const repo = { cwd: isolation.repoRoot, gitBinary: isolation.gitBinary };
  const holder = (await listRegisteredWorktrees(repo)).find((worktree) => worktree.branch === `refs/heads/${branch}`);
  if (holder === undefined) return;
  const ours = path.join(projectRoot, WORKTREES_DIR) + path.sep;
  if (!holder.path.startsWith(ours)) {
    throw new TappsError('CONFLICT', `Branch ${branch} is checked out at ${holder.path}, which tapps-agents did not create. Switch that worktree to another branch, then retry.`);
  }
  if (holder.prunable) {
    await gitWithLockRetry(['worktree', 'prune'], repo);
    return;
  }
  await gitOutput(['checkout', '--quiet', '--detach'], { cwd: holder.path, gitBinary: isolation.gitBinary });
}

async function removeHalfCreated(isolation: GitIsolation, worktreePath: string): Promise<void> {
  const repo = { cwd: isolation.repoRoot, gitBinary: isolation.gitBinary };
  await serializeForRepo(isolation.commonDir, async () => {
    await gitWithLockRetry(['worktree', 'remove', '--force', worktreePath], repo);
    await rm(worktreePath, { recursive: true, force: true });
    await gitWithLockRetry(['worktree', 'prune'], repo);
  });
}

/** Creates `.tapps-agents/worktrees/` (0700) with a `.gitignore` of `*`, so the project's git never sees the worktrees. */
async function ensureWorktreesDirectory(projectRoot: string): Promise<void> {
  const directory = path.join(projectRoot, WORKTREES_DIR);
  await makeDirectoryInside(directory, 0o700, projectRoot);
  await createFileIfAbsent(path.join(directory, '.gitignore'), '# Step worktrees of tapps-agents runs: never part of the project.\n*\n', 0o600, projectRoot);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
