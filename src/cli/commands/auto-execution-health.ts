// `tapps-agents auto-execution health [--json]`: exit 0 healthy, 1 degraded, 2 unhealthy.

import type { Command } from 'commander';
import { healthExitCode, runHealthChecks, type HealthStatus } from '../../health/health.js';
import { projectRootOf } from '../context.js';
import { colour, columns, printJson, printLines } from '../output.js';

const LABEL: Record<string, string> = {
  background_agent_config: 'Background agent configuration',
  configuration: 'Configuration',
  file_system: 'File system',
  status_file_access: 'Status file access',
  command_file_access: 'Command file access',
  runner: 'Background agent runner',
  redis: 'Queue Redis',
  queue: 'Queue',
  queue_workers: 'Queue workers',
  worktrees: 'Step worktrees',
  disk_space: 'Disk space',
};

const ICON: Record<HealthStatus, string> = { healthy: colour.ok('[OK]'), degraded: colour.warn('[WARN]'), unhealthy: colour.error('[FAIL]') };

// Under the check's label: the icon column (6) and its gap (2).
const INDENT = ' '.repeat(8);

export async function healthCommand(options: { json?: boolean }, command: Command): Promise<number> {
  const report = await runHealthChecks(projectRootOf(command));
  if (options.json === true) {
    printJson(report);
    return healthExitCode(report.overall);
  }
  const lines = [`${ICON[report.overall]} Overall: ${report.overall.toUpperCase()}`, ''];
  const rows = report.checks.map((check) => [ICON[check.status], LABEL[check.name] ?? check.name, check.message]);
  columns(rows).forEach((line, index) => {
    lines.push(line);
    const check = report.checks[index];
    if (check === undefined) return;
    const problems = Array.isArray(check.details.problems) ? (check.details.problems as string[]) : [];
    for (const problem of problems) lines.push(`${INDENT}${problem}`);
    if (check.fix !== undefined) lines.push(`${INDENT}${colour.dim('fix:')} ${check.fix}`);
  });
  printLines(...lines);
  return healthExitCode(report.overall);
}
