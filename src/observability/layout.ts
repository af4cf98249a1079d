// Where observability files live inside a project's .tapps-agents/ directory.

import path from 'node:path';

/** Paths of the metrics, audit, debug and runner files of a project. */
export function observabilityPaths(projectRoot: string) {
  const base = path.join(projectRoot, '.tapps-agents');
  return {
    base,
    metricsDir: path.join(base, 'metrics'),
    auditDir: path.join(base, 'audit'),
    auditFile: path.join(base, 'audit', 'execution_audit.jsonl'),
    logsDir: path.join(base, 'logs'),
    debugFile: path.join(base, 'debug.json'),
    workflowStateDir: path.join(base, 'workflow-state'),
    worktreesDir: path.join(base, 'worktrees'),
    runnerStatusFile: path.join(base, 'runner', 'status.json'),
  };
}

/** Mode of files written under .tapps-agents/ (STYLE.md: private to the user). */
export const FILE_MODE = 0o600;
/** Mode of directories created under .tapps-agents/. */
export const DIR_MODE = 0o700;
