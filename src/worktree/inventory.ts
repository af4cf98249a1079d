// What this project has under .tapps-agents/worktrees: each step worktree's record, directories with no record, and
// — compared with git — orphans: worktrees or branches left behind by a crash or by hand.

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { git } from './git.js';
import { readManifest, type WorktreeManifest } from './manifest.js';
import { BRANCH_PREFIX, WORKTREES_DIR } from './names.js';
import { listRegisteredWorktrees, type RegisteredWorktree } from './worktree-list.js';

/** This project's step worktrees as recorded on disk. */
export interface WorktreeInventory {
  /** One record per step worktree (by run, then path). */
  manifests: WorktreeManifest[];
  /** Directories under a run's folder with no record beside them (absolute). */
  strays: string[];
}

/** Reads every record under `.tapps-agents/worktrees/`. */
export async function readWorktreeInventory(projectRoot: string): Promise<WorktreeInventory> {
  const root = path.join(projectRoot, WORKTREES_DIR);
  const inventory: WorktreeInventory = { manifests: [], strays: [] };
  for (const run of await directoryEntries(root)) {
    if (!run.isDirectory()) continue;
    const runDir = path.join(root, run.name);
    const entries = await directoryEntries(runDir);
    const names = new Set(entries.map((entry) => entry.name));
    for (const entry of entries) {
      const file = path.join(runDir, entry.name);
      if (entry.isFile() && entry.name.endsWith('.json')) {
        const manifest = await readManifest(file);
        if (manifest !== undefined && manifest.path === file.slice(0, -'.json'.length)) inventory.manifests.push(manifest);
      } else if (entry.isDirectory() && !names.has(`${entry.name}.json`)) {
        inventory.strays.push(file);
      }
    }
  }
  inventory.manifests.sort((a, b) => a.run_id.localeCompare(b.run_id) || a.path.localeCompare(b.path));
  return inventory;
}

/** Something left behind that no run will clean up by itself. */
export interface WorktreeOrphan {
  kind: 'unregistered-directory' | 'missing-directory' | 'unowned-worktree' | 'leaked-branch' | 'abandoned-worktree';
  path?: string;
  branch?: string;
  /** What it is and what to do. */
  message: string;
}

export interface FindOrphansOptions {
  projectRoot: string;
  /** @default "git" */
  gitBinary?: string;
  /** Tells whether a run is still running; a worktree still `active` for a run that is not is abandoned. */
  isRunActive?: (runId: string) => boolean | Promise<boolean>;
}

/** Finds this project's orphaned worktrees and branches (for `auto-execution health`). Read-only. */
export async function findWorktreeOrphans(options: FindOrphansOptions): Promise<WorktreeOrphan[]> {
  const { projectRoot } = options;
  const inventory = await readWorktreeInventory(projectRoot);
  const repo = { cwd: projectRoot, gitBinary: options.gitBinary ?? 'git' };
  const inRepo = await git(['rev-parse', '--git-common-dir'], repo);
  const registered: RegisteredWorktree[] = inRepo.ok ? await listRegisteredWorktrees(repo) : [];
  const ours = path.join(projectRoot, WORKTREES_DIR) + path.sep;
  const recorded = new Set(inventory.manifests.map((manifest) => manifest.path));
  const orphans: WorktreeOrphan[] = [];
  const cleanup = (runId?: string) => `remove it with "tapps-agents workflow cleanup${runId === undefined ? '' : ` --run ${runId}`}"`;

  for (const worktree of registered) {
    if (!worktree.path.startsWith(ours)) continue;
    if (worktree.prunable) orphans.push({ kind: 'missing-directory', path: worktree.path, message: `git still lists worktree ${worktree.path}, whose directory is gone; run "git worktree prune" or ${cleanup()}` });
    else if (!recorded.has(worktree.path)) orphans.push({ kind: 'unowned-worktree', path: worktree.path, message: `worktree ${worktree.path} has no tapps-agents record; remove it with "git worktree remove ${worktree.path}" if it is not yours` });
  }
  for (const stray of inventory.strays) {
    if (!registered.some((worktree) => worktree.path === stray)) orphans.push({ kind: 'unregistered-directory', path: stray, message: `directory ${stray} is not a git worktree (left by a crash); ${cleanup()}` });
  }
  for (const manifest of inventory.manifests) {
    const present = await exists(manifest.path);
    if (!present && manifest.state !== 'creating') orphans.push({ kind: 'missing-directory', path: manifest.path, message: `the worktree of step "${manifest.step_id}" (run ${manifest.run_id}) was deleted by hand; ${cleanup(manifest.run_id)}` });
    else if (present && manifest.state === 'active' && options.isRunActive !== undefined && !(await options.isRunActive(manifest.run_id))) {
      orphans.push({ kind: 'abandoned-worktree', path: manifest.path, message: `run ${manifest.run_id} is not running but its step "${manifest.step_id}" worktree is still active; resume the run or ${cleanup(manifest.run_id)}` });
    }
  }
  if (inRepo.ok) {
    const refs = await git(['for-each-ref', '--format=%(refname:short)', `refs/heads/${BRANCH_PREFIX}`], repo);
    const known = new Set(inventory.manifests.map((manifest) => manifest.branch));
    const held = new Set(registered.map((worktree) => worktree.branch));
    for (const branch of refs.stdout.split('\n').filter((line) => line !== '')) {
      if (!known.has(branch) && !held.has(`refs/heads/${branch}`)) {
        orphans.push({ kind: 'leaked-branch', branch, message: `branch ${branch} has no worktree and no tapps-agents record in this project; delete it with "git branch -D ${branch}" if no other project in this repository uses it` });
      }
    }
  }
  return orphans;
}

async function directoryEntries(directory: string) {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
