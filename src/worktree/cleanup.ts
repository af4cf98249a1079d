// `workflow cleanup`: removes this project's run worktrees and their branches — only those with a tapps-agents
// record under this project's .tapps-agents/worktrees, optionally only one run's or only old ones. Other runs,
// other projects' worktrees and the user's own worktrees and branches are never touched.

import { realpath, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { git } from './git.js';
import { readWorktreeInventory } from './inventory.js';
import type { WorktreeManifest } from './manifest.js';
import { safeSegment } from './names.js';
import { deleteBranchIfFree, removeWorktree } from './remove-worktree.js';
import { gitWithLockRetry, serializeForRepo } from './repo-queue.js';
import { listRegisteredWorktrees } from './worktree-list.js';

export interface CleanupOptions {
  projectRoot: string;
  /** Only this run's worktrees. */
  runId?: string;
  /** Only worktrees created longer ago than this. */
  olderThanMs?: number;
  /** Report what would be removed, remove nothing. @default false */
  dryRun?: boolean;
  /** Runs still running are skipped. @default every run is treated as finished */
  isRunActive?: (runId: string) => boolean | Promise<boolean>;
  /** @default "git" */
  gitBinary?: string;
  /** @default new Date() */
  now?: Date;
}

/** One worktree removed (or, in a dry run, to be removed). */
export interface CleanedWorktree {
  run_id: string;
  step_id: string;
  attempt: number;
  path: string;
  branch: string;
  state: WorktreeManifest['state'];
  created_at: string;
  age_ms: number;
}

export interface CleanupReport {
  dryRun: boolean;
  removed: CleanedWorktree[];
  /** Branches deleted (or to be deleted). */
  branches: string[];
  /** Leftover directories with no record and unknown to git, removed (or to be). */
  strays: string[];
  /** Runs left alone because they are still running. */
  skippedActiveRuns: string[];
}

/** Removes this project's run worktrees and branches matching the filters. */
export async function cleanupWorktrees(options: CleanupOptions): Promise<CleanupReport> {
  const now = (options.now ?? new Date()).getTime();
  const dryRun = options.dryRun ?? false;
  const inventory = await readWorktreeInventory(options.projectRoot);
  const report: CleanupReport = { dryRun, removed: [], branches: [], strays: [], skippedActiveRuns: [] };
  const wantedRunDir = options.runId === undefined ? undefined : safeSegment(options.runId);
  const matchesRun = (runId: string, directory: string) =>
    options.runId === undefined || runId === options.runId || path.basename(path.dirname(directory)) === wantedRunDir;

  const active = new Map<string, boolean>();
  const chosen: WorktreeManifest[] = [];
  for (const manifest of inventory.manifests) {
    if (!matchesRun(manifest.run_id, manifest.path)) continue;
    const age = now - Date.parse(manifest.created_at);
    if (options.olderThanMs !== undefined && !(age > options.olderThanMs)) continue;
    if (!active.has(manifest.run_id)) active.set(manifest.run_id, (await options.isRunActive?.(manifest.run_id)) ?? false);
    if (active.get(manifest.run_id) === true) continue;
    chosen.push(manifest);
    report.removed.push({ run_id: manifest.run_id, step_id: manifest.step_id, attempt: manifest.attempt, path: manifest.path, branch: manifest.branch, state: manifest.state, created_at: manifest.created_at, age_ms: age });
  }
  report.skippedActiveRuns = [...active].filter(([, running]) => running).map(([runId]) => runId);

  const repo = { cwd: options.projectRoot, gitBinary: options.gitBinary ?? 'git' };
  const common = await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], repo);
  const registered = common.ok ? await listRegisteredWorktrees(repo) : [];
  const strays = inventory.strays.filter((stray) => matchesRun('', stray) && !registered.some((worktree) => worktree.path === stray));
  report.strays = strays;

  // Branches of removed worktrees that no remaining record of this project still uses.
  const keptBranches = new Set(inventory.manifests.filter((manifest) => !chosen.includes(manifest)).map((manifest) => manifest.branch));
  const branches = [...new Set(chosen.map((manifest) => manifest.branch))].filter((branch) => !keptBranches.has(branch));

  if (dryRun) {
    if (common.ok) {
      for (const branch of branches) if ((await git(['rev-parse', '--quiet', '--verify', `refs/heads/${branch}`], repo)).ok) report.branches.push(branch);
    }
    return report;
  }

  const work = async () => {
    for (const manifest of chosen) await removeWorktree(manifest, repo, registered);
    for (const stray of strays) {
      await rm(stray, { recursive: true, force: true });
      await rmdir(path.dirname(stray)).catch(() => undefined);
    }
    if (!common.ok) return;
    await gitWithLockRetry(['worktree', 'prune'], repo);
    const now = await listRegisteredWorktrees(repo);
    for (const branch of branches) if (await deleteBranchIfFree(branch, repo, now)) report.branches.push(branch);
  };
  if (common.ok) await serializeForRepo(await realpath(common.stdout.trim()), work);
  else await work();
  return report;
}
