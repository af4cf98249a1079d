// The `worktrees` check of `auto-execution health`: orphaned step worktrees and branches, and how many failed
// attempts are kept for inspection. Read-only; shaped like the observability module's HealthCheck.

import path from 'node:path';
import { findWorktreeOrphans, readWorktreeInventory } from './inventory.js';

/** One health check result (the shape `auto-execution health` prints). */
export interface WorktreeHealthCheck {
  name: 'worktrees';
  status: 'healthy' | 'degraded';
  message: string;
  fix?: string;
  details: { orphans: { kind: string; path?: string; branch?: string; message: string }[]; kept: number; active: number };
}

/**
 * Healthy when nothing is orphaned; degraded (with the cleanup command as the fix) when something is.
 * @param isRunActive tells whether a run is still running, so an active worktree of a dead run counts as abandoned
 */
export async function checkWorktrees(projectRoot: string, isRunActive?: (runId: string) => boolean | Promise<boolean>): Promise<WorktreeHealthCheck> {
  const inventory = await readWorktreeInventory(projectRoot);
  const orphans = await findWorktreeOrphans({ projectRoot, ...(isRunActive === undefined ? {} : { isRunActive }) });
  const kept = inventory.manifests.filter((manifest) => manifest.state === 'kept').length;
  const active = inventory.manifests.filter((manifest) => manifest.state === 'active').length;
  const details = { orphans: orphans.map((orphan) => ({ ...orphan, ...(orphan.path === undefined ? {} : { path: path.relative(projectRoot, orphan.path) || '.' }) })), kept, active };
  const summary = `${active} active, ${kept} kept for inspection`;
  if (orphans.length === 0) return { name: 'worktrees', status: 'healthy', message: `no orphaned step worktrees or branches (${summary})`, details };
  return {
    name: 'worktrees',
    status: 'degraded',
    message: `${orphans.length} orphaned step worktree${orphans.length === 1 ? '' : 's'} or branch${orphans.length === 1 ? '' : 'es'}: ${orphans.map((orphan) => orphan.message).join('; ')}`,
    fix: 'preview with "tapps-agents workflow cleanup --dry-run", then run it without --dry-run',
    details,
  };
}
