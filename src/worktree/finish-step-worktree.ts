// The end of a step attempt in a worktree: on success its outputs come back to the project and the worktree is
// removed when nothing else is in it; on failure (or a conflict) it is kept for inspection.

import path from 'node:path';
import { TappsError } from '../errors.js';
import { isProtocolFile } from './artifact-files.js';
import { gitOutput } from './git.js';
import { readManifest, writeManifest, type WorktreeManifest } from './manifest.js';
import { deleteBranchIfFree, removeWorktree } from './remove-worktree.js';
import { serializeForRepo } from './repo-queue.js';
import { copyOutputsBack, mergeStepCommits, statusPaths, type ReturnContext, type ReturnMode, type ReturnReport } from './return-outputs.js';
import { listRegisteredWorktrees } from './worktree-list.js';

export interface FinishStepOptions {
  /** How the attempt ended. Anything but `success` keeps the worktree. */
  outcome: 'success' | 'failed' | 'timeout' | 'cancelled';
  /** @default "copy" */
  mode?: ReturnMode;
  /** Why the attempt failed, recorded in the manifest and shown by `workflow status`. */
  reason?: string;
}

/** What happened to a step worktree. */
export interface FinishReport {
  /** The worktree (absolute path); it exists after the call when `kept` is true. */
  path: string;
  stepDir: string;
  kept: boolean;
  /** Why it was kept: the failure, or the step's changes that were not brought back. */
  keptReason?: string;
  /** Set on success. */
  returned?: ReturnReport;
}

/**
 * Finishes a step attempt's worktree.
 * @param manifestPath StepWorktree.manifestPath
 * @throws {TappsError} CONFLICT when an output changed in the project meanwhile (the worktree is kept; fail the step
 * with this message); WORKTREE_FAILED when git fails
 */
export async function finishStepWorktree(manifestPath: string, context: ReturnContext, options: FinishStepOptions): Promise<FinishReport> {
  const manifest = await readManifest(manifestPath);
  if (manifest === undefined) {
    throw new TappsError('WORKTREE_FAILED', `The worktree record ${manifestPath} is missing or unreadable, so the step's outputs cannot be brought back safely. Inspect the worktree beside it.`);
  }
  const report = { path: manifest.path, stepDir: manifest.step_dir };
  if (options.outcome !== 'success') {
    const keptReason = options.reason ?? `the step ${options.outcome === 'failed' ? 'failed' : `ended with ${options.outcome}`}`;
    await writeManifest(manifestPath, { ...manifest, state: 'kept', kept_reason: keptReason });
    return { ...report, kept: true, keptReason };
  }

  let returned: ReturnReport;
  try {
    returned = options.mode === 'commit' ? await mergeStepCommits(manifest, context) : await copyOutputsBack(manifest);
  } catch (error) {
    const keptReason = TappsError.is(error) && error.code === 'CONFLICT' ? 'its outputs conflict with changes in the project' : 'its outputs could not be brought back';
    await writeManifest(manifestPath, { ...manifest, state: 'kept', kept_reason: keptReason });
    throw error;
  }

  const leftovers = options.mode === 'commit' ? [] : await unreturnedChanges(manifest, context);
  if (leftovers.length > 0) {
    const keptReason = `it holds changes that are not declared outputs: ${leftovers.slice(0, 10).join(', ')}${leftovers.length > 10 ? `, and ${leftovers.length - 10} more` : ''}`;
    await writeManifest(manifestPath, { ...manifest, state: 'kept', kept_reason: keptReason });
    return { ...report, kept: true, keptReason, returned };
  }
  await writeManifest(manifestPath, { ...manifest, state: 'returned' });
  const repo = { cwd: context.repoRoot, gitBinary: context.gitBinary };
  await serializeForRepo(context.commonDir, async () => {
    const registered = await listRegisteredWorktrees(repo);
    await removeWorktree(manifest, repo, registered);
    await deleteBranchIfFree(manifest.branch, repo, registered.filter((worktree) => worktree.path !== manifest.path));
  });
  return { ...report, kept: false, returned };
}

/**
 * What removing the worktree would lose: commits on its branch, and changed files that are neither declared outputs
 * nor inputs copied in (protocol files aside). Paths are relative to the project.
 */
async function unreturnedChanges(manifest: WorktreeManifest, context: ReturnContext): Promise<string[]> {
  const inWorktree = { cwd: manifest.path, gitBinary: context.gitBinary };
  const commits = Number(await gitOutput(['rev-list', '--count', `${manifest.base_commit}..HEAD`], inWorktree));
  const prefix = path.relative(manifest.path, manifest.step_dir).split(path.sep).join('/');
  const changed = (await statusPaths(inWorktree))
    .filter((file) => !isProtocolFile(file))
    .map((file) => (prefix === '' ? file : file.startsWith(`${prefix}/`) ? file.slice(prefix.length + 1) : `../${file}`))
    .filter((file) => !manifest.inputs.includes(file) && !manifest.outputs.some((output) => file === output || file.startsWith(`${output}/`)));
  return commits > 0 ? [`${commits} commit(s) on ${manifest.branch}`, ...changed] : changed;
}
