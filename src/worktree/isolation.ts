// Whether a run can isolate its steps in git worktrees, decided once per run: git must be installed, the project
// must be in a git repository with at least one commit, and HEAD must be on a branch. Otherwise steps run in plain
// step directories, and the reason is a message the executor shows.

import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { git, gitOutput } from './git.js';

/** Steps get worktrees: what every step worktree of the run is created from. */
export interface GitIsolation {
  mode: 'worktrees';
  projectRoot: string;
  /** The repository's top-level directory (the project root or an ancestor of it). */
  repoRoot: string;
  /** The git common directory: one queue of worktree operations per repository. */
  commonDir: string;
  /** The project root relative to repoRoot ('' when they are the same); a step's directory is `<worktree>/<prefix>`. */
  projectPrefix: string;
  /** The commit the run's worktrees start from (HEAD when the run started). Persist it for resume. */
  baseCommit: string;
  /** The branch HEAD was on. */
  branch: string;
  gitBinary: string;
  /** Things the user should know, e.g. uncommitted changes the steps will not see. */
  warnings: string[];
}

/** Why isolation is off for this run. */
export type PlainReason = 'git-missing' | 'not-a-repository' | 'no-commits' | 'detached-head';

/** Steps run in plain step directories; `message` says why. */
export interface PlainIsolation {
  mode: 'plain';
  reason: PlainReason;
  message: string;
}

export type RunIsolation = GitIsolation | PlainIsolation;

export interface DetectIsolationOptions {
  projectRoot: string;
  /** @default "git" */
  gitBinary?: string;
  /** Start from this commit instead of HEAD (a resumed run passes the base commit it persisted). */
  baseCommit?: string;
}

/** Decides how a run's steps are isolated. Never throws for the expected cases; they come back as `plain`. */
export async function detectIsolation(options: DetectIsolationOptions): Promise<RunIsolation> {
  const gitBinary = options.gitBinary ?? 'git';
  const projectRoot = await realpath(options.projectRoot);
  const run = { cwd: projectRoot, gitBinary };
  const fallback = 'steps run in plain step directories under .tapps-agents/workflow-state instead';

  const toplevel = await git(['rev-parse', '--show-toplevel'], run);
  if (toplevel.missing) {
    return plain('git-missing', `Worktree isolation is on, but git ("${gitBinary}") was not found on PATH: ${fallback}. Install git to isolate steps.`);
  }
  if (!toplevel.ok) {
    return plain('not-a-repository', `Worktree isolation is on, but ${projectRoot} is not in a git repository: ${fallback}. Run "git init" and commit to isolate steps.`);
  }
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], run);
  if (!head.ok) {
    return plain('no-commits', `Worktree isolation is on, but the repository at ${toplevel.stdout.trim()} has no commits yet: ${fallback}. Make a first commit to isolate steps.`);
  }
  const branch = await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], run);
  if (!branch.ok) {
    return plain(
      'detached-head',
      `Worktree isolation is on, but HEAD is detached (at ${head.stdout.trim().slice(0, 12)}): ${fallback}. Check out a branch ("git switch <branch>") to isolate steps.`,
    );
  }
  const repoRoot = await realpath(toplevel.stdout.trim());
  const commonDir = path.resolve(projectRoot, await gitOutput(['rev-parse', '--git-common-dir'], run));
  const baseCommit = options.baseCommit === undefined ? head.stdout.trim() : await gitOutput(['rev-parse', '--verify', `${options.baseCommit}^{commit}`], run);
  const warnings: string[] = [];
  const dirty = (await gitOutput(['status', '--porcelain', '--untracked-files=no', '--', '.'], run)).split('\n').filter((line) => line !== '');
  if (dirty.length > 0) {
    warnings.push(
      `The project has uncommitted changes in ${dirty.length} tracked file(s); step worktrees start from commit ${baseCommit.slice(0, 12)} and do not see them. A step output that would overwrite one of them is reported as a conflict.`,
    );
  }
  return {
    mode: 'worktrees',
    projectRoot,
    repoRoot,
    commonDir: await realpath(commonDir),
    projectPrefix: path.relative(repoRoot, projectRoot),
    baseCommit,
    branch: branch.stdout.trim(),
    gitBinary,
    warnings,
  };
}

function plain(reason: PlainReason, message: string): PlainIsolation {
  return { mode: 'plain', reason, message };
}
