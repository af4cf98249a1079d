// `tapps-agents workflow cleanup [--run ID] [--older-than 7d] [--dry-run] [--json]`: removes this project's run
// worktrees and their branches (kept failed attempts, leftovers of crashes), never other runs' or the user's.

import path from 'node:path';
import type { Command } from 'commander';
import { durationTooLong, parseDuration } from '../../config/duration.js';
import { TappsError } from '../../errors.js';
import { checkRunId } from '../../protocol/run-paths.js';
import { cleanupWorktrees, type CleanupReport } from '../../worktree/cleanup.js';
import { isRunActive } from '../../workflow/run-activity.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printJson, printLines } from '../output.js';

export interface WorkflowCleanupFlags {
  run?: string;
  olderThan?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function workflowCleanupCommand(flags: WorkflowCleanupFlags, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  let olderThanMs: number | undefined;
  if (flags.olderThan !== undefined) {
    olderThanMs = parseDuration(flags.olderThan);
    if (olderThanMs === undefined) {
      throw new TappsError('USAGE', `--older-than "${flags.olderThan}" is not a duration; write a number with a unit, like "7d", "12h" or "30m".`);
    }
    const tooLong = durationTooLong(olderThanMs);
    if (tooLong !== undefined) throw new TappsError('USAGE', `--older-than "${flags.olderThan}" must be ${tooLong}.`);
  }
  const report = await cleanupWorktrees({
    projectRoot,
    dryRun: flags.dryRun === true,
    ...(flags.run === undefined ? {} : { runId: checkRunId(flags.run) }),
    ...(olderThanMs === undefined ? {} : { olderThanMs }),
    isRunActive: (runId: string) => isRunActive(projectRoot, runId),
  });
  if (flags.json === true) printJson(report);
  else printLines(...describeCleanup(report, projectRoot));
  return EXIT.OK;
}

/** The text report of a cleanup. */
export function describeCleanup(report: CleanupReport, projectRoot: string): string[] {
  const verb = report.dryRun ? 'Would remove' : 'Removed';
  const lines: string[] = [];
  if (report.removed.length === 0 && report.strays.length === 0) lines.push('No run worktrees to remove.');
  if (report.removed.length > 0) {
    const runs = new Set(report.removed.map((entry) => entry.run_id)).size;
    lines.push(`${verb} ${plural(report.removed.length, 'worktree')} of ${plural(runs, 'run')} and ${plural(report.branches.length, 'branch', 'branches')}:`);
    lines.push(
      ...columns(report.removed.map((entry) => [`  ${entry.run_id}`, `${entry.step_id} (attempt ${entry.attempt}, ${entry.state})`, path.relative(projectRoot, entry.path), entry.branch])),
    );
  }
  if (report.strays.length > 0) lines.push(`${verb} ${plural(report.strays.length, 'leftover directory', 'leftover directories')}:`, ...report.strays.map((stray) => `  ${path.relative(projectRoot, stray)}`));
  if (report.skippedActiveRuns.length > 0) lines.push(colour.dim(`Left alone (still running): ${report.skippedActiveRuns.join(', ')}`));
  if (report.dryRun && (report.removed.length > 0 || report.strays.length > 0)) lines.push(colour.dim('Dry run: nothing was removed.'));
  return lines;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
