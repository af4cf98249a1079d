// Names and places of step worktrees: sanitized, bounded, and always inside the project's .tapps-agents/worktrees.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { TappsError } from '../errors.js';

/** Where run worktrees live, relative to the project root. */
export const WORKTREES_DIR = path.join('.tapps-agents', 'worktrees');

/** The prefix of every branch a step worktree is created on. */
export const BRANCH_PREFIX = 'tapps/';

/** Longest sanitized name segment (run id, step id). */
export const MAX_SEGMENT_LENGTH = 64;

/**
 * Turns an id into a segment that is safe as a directory name and as a git ref component: only `[A-Za-z0-9._-]`,
 * no leading or trailing `.`/`-`, no `..`, no `.lock` ending, at most {@link MAX_SEGMENT_LENGTH} characters.
 * An id that had to be changed or shortened gets a hash of the original appended, so two ids never share a name.
 * @example safeSegment("review") // "review"
 * @example safeSegment("../etc") // "etc-<8 hex>"
 */
export function safeSegment(id: string, max = MAX_SEGMENT_LENGTH): string {
  const cleaned = id
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .replace(/\.lock$/i, '-lock');
  if (cleaned === id && cleaned.length <= max && cleaned.length > 0) return cleaned;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
  const head = cleaned.slice(0, max - hash.length - 1).replace(/[.-]+$/, '');
  return head.length > 0 ? `${head}-${hash}` : `x-${hash}`;
}

/** The directory holding every worktree of one run. */
export function runWorktreesDir(projectRoot: string, runId: string): string {
  return insideProject(projectRoot, path.join(projectRoot, WORKTREES_DIR, safeSegment(runId)));
}

/** `.tapps-agents/worktrees/<run-id>/<step-id>-<attempt>` (absolute). */
export function stepWorktreePath(projectRoot: string, runId: string, stepId: string, attempt: number): string {
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new TappsError('USAGE', `Attempt must be a whole number from 1, got ${String(attempt)}.`);
  return insideProject(projectRoot, path.join(runWorktreesDir(projectRoot, runId), `${safeSegment(stepId)}-${attempt}`));
}

/** The record kept beside a step worktree: `<worktree>.json`. */
export function manifestPathOf(worktreePath: string): string {
  return `${worktreePath}.json`;
}

/** True for a path inside some project's `.tapps-agents/worktrees/` (a step worktree or its step directory). */
export function isInStepWorktree(directory: string): boolean {
  return directory.includes(`${path.sep}${WORKTREES_DIR}${path.sep}`);
}

/** `tapps/<run-id>/<step-id>`: one branch per step of a run, reused by its attempts. */
export function stepBranchName(runId: string, stepId: string): string {
  return `${BRANCH_PREFIX}${safeSegment(runId)}/${safeSegment(stepId)}`;
}

/**
 * Resolves a project-relative artifact path (from `creates` or `target_file`) and refuses one that is absolute or
 * leaves the project. Returns the normalized relative path with forward slashes.
 * @throws {TappsError} USAGE when the path is absolute, empty or escapes the project
 */
export function projectRelative(artifact: string): string {
  const trimmed = artifact.trim().replace(/\\/g, '/').replace(/\/+$/, '');
  if (trimmed === '' || path.isAbsolute(trimmed)) {
    throw new TappsError('USAGE', `Artifact path "${artifact}" must be relative to the project root.`);
  }
  const normalized = path.posix.normalize(trimmed);
  if (normalized === '.' || normalized === '..' || normalized.startsWith('../') || normalized.split('/').includes('.git')) {
    throw new TappsError('USAGE', `Artifact path "${artifact}" leaves the project or points into .git; use a path inside the project.`);
  }
  return normalized;
}

function insideProject(projectRoot: string, target: string): string {
  const relative = path.relative(projectRoot, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new TappsError('USAGE', `Refusing to create ${target}: it is outside the project ${projectRoot}.`);
  }
  return target;
}
