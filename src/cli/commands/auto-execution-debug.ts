// `tapps-agents auto-execution debug on|off|status [--json]`

import type { Command } from 'commander';
import { debugStatus, setDebugMode, type DebugReport } from '../../observability/debug-mode.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, printLines } from '../output.js';

export async function debugCommand(mode: 'on' | 'off' | 'status', options: { json?: boolean }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const report = mode === 'status' ? await debugStatus(projectRoot) : await setDebugMode(projectRoot, mode === 'on');
  if (options.json === true) {
    printJson(report);
    return EXIT.OK;
  }
  printLines(...debugLines(report));
  return EXIT.OK;
}

function debugLines(report: DebugReport): string[] {
  const since = report.since === null ? 'never switched on' : report.since;
  if (!report.enabled) return ['Debug mode: OFF', `Since: ${since}`, `Turn it on with "tapps-agents auto-execution debug on"; verbose logs then go to ${report.log_dir}/`];
  return [
    'Debug mode: ON',
    `Since: ${since}`,
    `Logs: ${report.log_dir}/executor.log and ${report.log_dir}/runner-<id>.log (pino JSON lines; processes pick the switch up within a second)`,
  ];
}
