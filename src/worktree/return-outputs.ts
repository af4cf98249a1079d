// Bringing a successful step's outputs back to the project: its declared artifacts are copied (mode `copy`), or its
// commits are merged into the project's branch (mode `commit`). A file that changed in the project while the step ran
// is a conflict: the step fails, nothing is overwritten, and the worktree stays.

import path from 'node:path';
import { TappsError } from '../errors.js';
import { copyTreeFile, hashFile, isProtocolFile, listArtifactFiles } from './artifact-files.js';
import { git, gitFailure, gitOutput } from './git.js';
import type { WorktreeManifest } from './manifest.js';
import { gitWithLockRetry, serializeForRepo } from './repo-queue.js';

/** How outputs come back: copy the declared artifacts (default) or merge the step's commits. */
export type ReturnMode = 'copy' | 'commit';

/** One file that could not be brought back. */
export interface OutputConflict {
  /** Project-relative path. */
  path: string;
  reason: 'changed in the project' | 'created in the project' | 'deleted in the project' | 'uncommitted change in the project' | 'merge conflict';
}

/** What came back. */
export interface ReturnReport {
  mode: ReturnMode;
  /** Project-relative files written to the project. */
  copied: string[];
  /** Declared outputs whose content already matched the project. */
  unchanged: string[];
  /** Declared outputs the step did not produce. */
  missing: string[];
  /** Commits merged (mode `commit`). */
  mergedCommits: number;
}

/** The repository context a return needs. */
export interface ReturnContext {
  repoRoot: string;
  commonDir: string;
  gitBinary: string;
}

/**
 * Copies the declared outputs of a step from its worktree to the project. All-or-nothing: every file is checked
 * first — the project's copy must still be what the step started from (or already equal the step's result) — and
 * nothing is written when one is not.
 * @throws {TappsError} CONFLICT naming every conflicting file
 */
export async function copyOutputsBack(manifest: WorktreeManifest): Promise<ReturnReport> {
  const projectRoot = manifest.project_root;
  const report: ReturnReport = { mode: 'copy', copied: [], unchanged: [], missing: [], mergedCommits: 0 };
  const toCopy: { file: string; projectHash: string | null }[] = [];
  const conflicts: OutputConflict[] = [];
  for (const output of manifest.outputs) {
    const files = await listArtifactFiles(manifest.step_dir, output);
    if (files.length === 0) report.missing.push(output);
    for (const file of files) {
      const result = await hashFile(path.join(manifest.step_dir, file));
      const current = await hashFile(path.join(projectRoot, file));
      const seed = manifest.seeds[file] ?? null;
      if (current === result) report.unchanged.push(file);
      else if (current === seed) toCopy.push({ file, projectHash: current });
      else conflicts.push({ path: file, reason: seed === null ? 'created in the project' : current === null ? 'deleted in the project' : 'changed in the project' });
    }
  }
  if (conflicts.length > 0) throw conflictError(manifest, conflicts);
  for (const { file, projectHash } of toCopy) {
    // Checked again just before writing: the project may have changed while earlier files were copied.
    if ((await hashFile(path.join(projectRoot, file))) !== projectHash) {
      throw conflictError(manifest, [{ path: file, reason: 'changed in the project' }], report.copied);
    }
    await copyTreeFile(manifest.step_dir, projectRoot, file);
    report.copied.push(file);
  }
  return report;
}

/**
 * Commits what the step left uncommitted in its worktree (protocol files excluded), then merges the step's branch
 * into the project's current branch with a merge commit. A file the step changed that is also modified and
 * uncommitted in the project, or a merge conflict, fails the step; a conflicted merge is aborted.
 * @throws {TappsError} CONFLICT naming the files; WORKTREE_FAILED when git fails otherwise
 */
export async function mergeStepCommits(manifest: WorktreeManifest, context: ReturnContext): Promise<ReturnReport> {
  const report: ReturnReport = { mode: 'commit', copied: [], unchanged: [], missing: [], mergedCommits: 0 };
  const inWorktree = { cwd: manifest.path, gitBinary: context.gitBinary };
  const inProject = { cwd: context.repoRoot, gitBinary: context.gitBinary };
  await commitLeftovers(manifest, inWorktree);
  const range = `${manifest.base_commit}..${manifest.branch}`;
  const count = Number(await gitOutput(['rev-list', '--count', range], inProject));
  if (count === 0) return report;

  return serializeForRepo(context.commonDir, async () => {
    const changed = splitZ(await gitOutput(['diff', '--name-only', '-z', manifest.base_commit, manifest.branch], inProject));
    const dirty = new Set(await statusPaths(inProject));
    const touched = changed.filter((file) => dirty.has(file));
    if (touched.length > 0) throw conflictError(manifest, touched.map((file) => ({ path: file, reason: 'uncommitted change in the project' as const })));

    const message = `tapps-agents: merge step ${manifest.step_id} of run ${manifest.run_id}`;
    const args = ['merge', '--no-ff', '--no-edit', '-m', message, manifest.branch];
    const merge = await gitWithLockRetry(withIdentity(args, await hasIdentity(inProject)), inProject);
    if (!merge.ok) {
      const inMerge = await git(['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'], inProject);
      if (inMerge.ok) {
        const conflicted = splitZ(await gitOutput(['diff', '--name-only', '-z', '--diff-filter=U'], inProject));
        await gitOutput(['merge', '--abort'], inProject);
        throw conflictError(manifest, conflicted.map((file) => ({ path: file, reason: 'merge conflict' as const })));
      }
      throw gitFailure(args, context.repoRoot, merge);
    }
    report.mergedCommits = count;
    report.copied = changed;
    return report;
  });
}

async function commitLeftovers(manifest: WorktreeManifest, inWorktree: { cwd: string; gitBinary: string }): Promise<void> {
  const pending = (await statusPaths(inWorktree)).filter((file) => !isProtocolFile(file));
  if (pending.length === 0) return;
  await gitOutput(['add', '--all', '--', ...pending], inWorktree);
  const args = ['commit', '--quiet', '--no-verify', '-m', `tapps-agents: outputs of step ${manifest.step_id} (run ${manifest.run_id}, attempt ${manifest.attempt})`];
  await gitOutput(withIdentity(args, await hasIdentity(inWorktree)), inWorktree);
}

/** Changed and untracked files (relative to the worktree root) from `git status --porcelain -z`. */
export async function statusPaths(options: { cwd: string; gitBinary: string }): Promise<string[]> {
  const args = ['status', '--porcelain', '-z', '--untracked-files=all'];
  const result = await git(args, options);
  if (!result.ok) throw gitFailure(args, options.cwd, result);
  return parsePorcelainPaths(result.stdout); // not trimmed: the first entry's status may start with a space
}

/** Paths from `git status --porcelain -z` (renames contribute both names). */
export function parsePorcelainPaths(text: string): string[] {
  const fields = text.split('\0').filter((field) => field !== '');
  const paths: string[] = [];
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index] as string;
    paths.push(field.slice(3));
    if (field.startsWith('R') || field.startsWith('C')) {
      const original = fields[index + 1];
      if (original !== undefined) paths.push(original);
      index++;
    }
  }
  return paths;
}

function splitZ(text: string): string[] {
  return text.split('\0').filter((field) => field !== '');
}

async function hasIdentity(options: { cwd: string; gitBinary: string }): Promise<boolean> {
  const email = await git(['config', 'user.email'], options);
  return email.ok && email.stdout.trim() !== '';
}

// Commits made for the user where git has no identity configured carry tapps-agents' own, rather than failing.
function withIdentity(args: string[], configured: boolean): string[] {
  return configured ? args : ['-c', 'user.name=tapps-agents', '-c', 'user.email=tapps-agents@localhost', ...args];
}

function conflictError(manifest: WorktreeManifest, conflicts: OutputConflict[], alreadyCopied: string[] = []): TappsError {
  const list = conflicts.map((conflict) => `${conflict.path} (${conflict.reason})`).join(', ');
  const copied = alreadyCopied.length === 0 ? 'Nothing was overwritten' : `Only ${alreadyCopied.join(', ')} had been copied; nothing else was overwritten`;
  return new TappsError(
    'CONFLICT',
    `Step "${manifest.step_id}" of run ${manifest.run_id} cannot bring its outputs back: ${list}. ${copied}; the step's outputs are kept in ${manifest.step_dir}. Compare the files, merge them by hand, then rerun the step.`,
    { details: { conflicts, worktree: manifest.path, step_dir: manifest.step_dir, copied: alreadyCopied } },
  );
}
