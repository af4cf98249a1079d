// `tapps-agents auto-execution status [--workflow-id ID] [--json]`

import type { Command } from 'commander';
import { autoExecutionStatus, type StatusReport } from '../../observability/execution-status.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printJson, printLines } from '../output.js';
import { executionRows, formatTime, unreadableLines } from './auto-execution-format.js';

export async function statusCommand(options: { workflowId?: string; json?: boolean }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const report = await autoExecutionStatus({ projectRoot, ...(options.workflowId === undefined ? {} : { workflowId: options.workflowId }) });
  if (options.json === true) {
    const { unreadable, ...rest } = report;
    printJson({ ...rest, unreadable_lines: unreadable });
    return EXIT.OK;
  }
  printLines(...runLines(report), '', ...runnerLines(report), '', ...recentLines(report), ...unreadableLines(report.unreadable));
  return EXIT.OK;
}

function runLines({ active_runs: runs }: StatusReport): string[] {
  if (runs.length === 0) return ['Active runs: none'];
  const lines = [colour.bold(`Active runs (${runs.length})`)];
  for (const run of runs) {
    const state = run.status === 'interrupted' ? colour.warn('interrupted (executor gone; resume with "tapps-agents workflow resume")') : colour.ok('running');
    const executor = run.executor === null ? '' : `, executor pid ${run.executor.pid} on ${run.executor.host}`;
    lines.push(`  ${run.run_id}  workflow ${run.workflow_id}  ${state}  since ${formatTime(run.started_at)}${executor}`);
    if (run.steps.length === 0) {
      lines.push('    no step running');
      continue;
    }
    const rows = run.steps.map((step) => [
      `step ${step.step_id}`,
      `attempt ${step.attempt ?? '?'}`,
      `since ${formatTime(step.started_at)}`,
      step.step_dir ?? '(no step directory)',
    ]);
    lines.push(...columns(rows).map((line) => `    ${line}`));
  }
  return lines;
}

function runnerLines({ runners }: StatusReport): string[] {
  if (runners.length === 0) return ['Background agents: none running (an embedded runner starts with each workflow execute unless workflow.runner is "external")'];
  const rows = runners.map((runner) => [
    runner.id === null ? `pid ${runner.pid}` : `${runner.id} (pid ${runner.pid})`,
    `on ${runner.host}`,
    // A runner that stopped cleanly is history, not a problem; one whose status still says running but whose pid is gone died.
    runner.alive ? colour.ok(runner.state) : runner.state === 'stopped' ? colour.dim('stopped') : colour.warn(`${runner.state}, not running (it died; stale status file)`),
    `heartbeat ${formatTime(runner.heartbeat_at)}`,
  ]);
  return [colour.bold(`Background agents (${runners.length})`), ...columns(rows).map((line) => `  ${line}`)];
}

function recentLines({ recent_executions: records }: StatusReport): string[] {
  if (records.length === 0) return ['Recent executions: none recorded'];
  return [colour.bold(`Recent executions (${records.length})`), ...executionRows(records, '  ')];
}
