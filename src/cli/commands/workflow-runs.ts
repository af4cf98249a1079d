// `tapps-agents workflow list|status|logs|cancel`: read and steer runs from their durable state.

import path from 'node:path';
import type { Command } from 'commander';
import { cancelRun, listRunsReport, runStatus, runStatusJson, stepLogs, stepStatus } from '../../workflow/run-control.js';
import { describeRunOutcome } from '../../workflow/run-state.js';
import { isInStepWorktree } from '../../worktree/names.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printErrorLines, printJson, printLines } from '../output.js';
import { formatMs } from './workflow-progress.js';

export async function workflowListCommand(flags: { json?: boolean }, command: Command): Promise<number> {
  const { runs, damaged } = await listRunsReport(projectRootOf(command));
  if (flags.json === true) {
    printJson({ runs, damaged });
    return EXIT.OK;
  }
  // A damaged run is named with its file and why, and never hides the others (docs/reliability.md).
  printErrorLines(...damaged.map((run) => `damaged run ${run.run_id}: ${run.message}`));
  if (runs.length === 0 && damaged.length === 0) {
    printLines('No runs yet. Start one with: tapps-agents workflow execute --workflow FILE');
    return EXIT.OK;
  }
  printLines(
    ...columns([
      ['run id', 'status', 'started', 'steps'].map(colour.bold),
      ...runs.map((run) => [run.run_id, paintStatus(run.status), run.started_at, Object.entries(run.steps).map(([status, count]) => `${count} ${status}`).join(', ')]),
    ]),
  );
  return EXIT.OK;
}

export async function workflowStatusCommand(runId: string, flags: { json?: boolean; step?: string }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  if (flags.step !== undefined) return printStepStatus(projectRoot, runId, flags.step, flags.json === true);
  const report = await runStatus(projectRoot, runId);
  const { status, state } = report;
  if (flags.json === true) {
    printJson(runStatusJson(report));
    return EXIT.OK;
  }
  const now = Date.now();
  printLines(
    `Run ${state.run_id}: ${paintStatus(status, describeRunOutcome(status, state.failed_steps))}`,
    `Workflow: ${state.workflow_name} (${state.workflow_file})`,
    `Executor: pid ${state.executor.pid} on ${state.executor.host}; started ${state.started_at}${state.completed_at === null ? '' : `, finished ${state.completed_at}`}`,
    ...(state.error === null ? [] : [`Error: ${state.error}`]),
    '',
    ...columns([
      ['step', 'status', 'attempt', 'elapsed', 'detail'].map(colour.bold),
      ...Object.entries(state.steps).map(([id, step]) => [
        id,
        paintStatus(step.status),
        step.attempt > 0 ? String(step.attempt) : '',
        step.started_at === null ? '' : formatMs((step.completed_at === null ? now : Date.parse(step.completed_at)) - Date.parse(step.started_at)),
        step.status === 'running' || step.status === 'waiting_approval'
          ? `dir ${path.relative(projectRoot, isInStepWorktree(step.work_dir) ? step.work_dir : step.step_dir)}`
          : // A worktree kept after a failure (worktree isolation) is where to look.
            `${step.error?.message ?? step.skip_reason ?? ''}${isInStepWorktree(step.work_dir) ? ` (worktree ${path.relative(projectRoot, step.work_dir)})` : ''}`,
      ]),
    ]),
  );
  if (status === 'interrupted' || status === 'failed' || status === 'cancelled' || status === 'completed_with_failures') printLines('', `Resume with: tapps-agents workflow resume ${state.run_id}`);
  return EXIT.OK;
}

export async function workflowLogsCommand(runId: string, stepId: string, flags: { json?: boolean }, command: Command): Promise<number> {
  const report = await stepLogs(projectRootOf(command), runId, stepId);
  if (flags.json === true) {
    printJson(report);
    return EXIT.OK;
  }
  if (report.output === null) {
    printLines(`Step ${stepId} of run ${report.run_id} has no engine output: ${report.reason ?? ''}`);
    return EXIT.OK;
  }
  process.stdout.write(report.output);
  return EXIT.OK;
}

async function printStepStatus(projectRoot: string, runId: string, stepId: string, json: boolean): Promise<number> {
  const report = await stepStatus(projectRoot, runId, stepId);
  if (json) {
    printJson(report);
    return EXIT.OK;
  }
  const { step } = report;
  const shown = (dir: string) => path.relative(projectRoot, dir) || '.';
  printLines(
    `Step ${stepId} of run ${report.run_id}: ${paintStatus(step.status)}${step.attempt > 0 ? ` (attempt ${step.attempt})` : ''}`,
    ...(step.agent === undefined ? [] : [`Action: ${step.agent} ${step.action ?? ''}`]),
    `Step directory: ${shown(step.step_dir)}`,
    `Work directory: ${shown(step.work_dir)}`,
    ...(step.artifacts.length === 0 ? [] : [`Artifacts: ${step.artifacts.join(', ')}`]),
    ...(step.error === null ? [] : [`Error: ${step.error.message} (${step.error.code})`]),
    ...(step.skip_reason === undefined ? [] : [`Skipped: ${step.skip_reason}`]),
    '',
    ...(report.prompt === null || report.prompt_file === null
      ? ['No prompt: this step has not sent one (builtin, shell and approval steps never do).']
      : [`Prompt (${shown(report.prompt_file)}):`, '', report.prompt.trimEnd()]),
  );
  return EXIT.OK;
}

export async function workflowCancelCommand(runId: string, flags: { json?: boolean }, command: Command): Promise<number> {
  const report = await cancelRun(projectRootOf(command), runId);
  if (flags.json === true) printJson(report);
  else if (report.action === 'signalled') printLines(`Sent SIGTERM to the executor of run ${runId} (pid ${String(report.pid)}); it kills running steps and marks the run cancelled.`);
  else if (report.action === 'marked') printLines(`Run ${runId} had no live executor; marked it cancelled. Resume with: tapps-agents workflow resume ${runId}`);
  else printLines(`Run ${runId} is already ${report.status}; nothing to cancel.`);
  return EXIT.OK;
}

function paintStatus(status: string, text = status): string {
  if (status === 'succeeded') return colour.ok(text);
  if (status === 'failed' || status === 'interrupted') return colour.error(text);
  if (status === 'cancelled' || status === 'completed_with_failures') return colour.warn(text);
  return colour.bold(text);
}
