// `auto-execution health`: read-only checks that a workflow can run here, each healthy, degraded or unhealthy with
// what to do. Nothing in the project is created or changed (the original's checks wrote test files: §8.4 item 25).

import {
  checkBackgroundAgentConfig,
  checkCommandFiles,
  checkConfiguration,
  checkDiskSpace,
  checkFileSystem,
  checkRunner,
  checkStatusFiles,
  type HealthContext,
} from './health-checks.js';
import { checkQueue } from './queue-health.js';
import { isRunActive } from '../workflow/run-activity.js';
import { checkWorktrees } from '../worktree/worktree-health.js';
import type { FreeSpace, HealthCheck, HealthStatus } from './health-check.js';

export type { FreeSpace, HealthCheck, HealthStatus } from './health-check.js';

/** What `auto-execution health` reports. */
export interface HealthReport {
  overall: HealthStatus;
  checks: HealthCheck[];
}

/** Options of {@link runHealthChecks}; tests inject the clock and free space. */
export interface HealthOptions {
  now?: () => number;
  statfs?: (path: string) => Promise<FreeSpace>;
}

const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

/**
 * Runs every check, in order: background agent configuration, configuration, file system, status file access,
 * command file access, runner, the queue (Redis, queue, workers: only when the project uses or names one), step
 * worktrees, disk space. Overall is the worst of them.
 */
export async function runHealthChecks(projectRoot: string, options: HealthOptions = {}): Promise<HealthReport> {
  const context: HealthContext = { projectRoot, now: options.now ?? Date.now, ...(options.statfs === undefined ? {} : { statfs: options.statfs }) };
  const configuration = await checkConfiguration(context);
  const checks = [
    await checkBackgroundAgentConfig(context),
    configuration.check,
    await checkFileSystem(context),
    await checkStatusFiles(context),
    await checkCommandFiles(context, configuration.settings),
    await checkRunner(context, configuration.settings),
    ...(await checkQueue(configuration.settings.config)),
    await checkWorktrees(projectRoot, (runId) => isRunActive(projectRoot, runId)),
    await checkDiskSpace(context),
  ];
  return { overall: worst(checks.map((check) => check.status)), checks };
}

/** The worst of several statuses (healthy when there are none). */
export function worst(statuses: readonly HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((worse, status) => (RANK[status] > RANK[worse] ? status : worse), 'healthy');
}

/** The CLI exit code for a health status: 0 healthy, 1 degraded, 2 unhealthy. */
export function healthExitCode(status: HealthStatus): 0 | 1 | 2 {
  return RANK[status] as 0 | 1 | 2;
}
