// `tapps-agents auto-execution status [--workflow-id ID] [--json]`

import type { Command } from 'commander';
import { autoExecutionStatus, statusJson, type AutoExecutionStatusReport } from '../../project-status/execution-status.js';
import type { RunnerInfo } from '../../project-status/status-sources.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printJson, printLines } from '../output.js';
import { executionRows, formatTime, unreadableLines } from './auto-execution-format.js';

export async function statusCommand(options: { workflowId?: string; json?: boolean }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const report = await autoExecutionStatus({ projectRoot, ...(options.workflowId === undefined ? {} : { workflowId: options.workflowId }) });
  if (options.json === true) {
    printJson(statusJson(report));
    return EXIT.OK;
  }
  printLines(...runLines(report), '', ...runnerLines(report), '', ...queueLines(report), ...recentLines(report), ...unusableLines(report), ...unreadableLines(report.unreadable));
  return EXIT.OK;
}

function runLines({ active_runs: runs }: AutoExecutionStatusReport): string[] {
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

function runnerLines({ runners }: AutoExecutionStatusReport): string[] {
  if (runners.length === 0) return ['Background agents: none running (an embedded runner starts with each workflow execute unless workflow.runner is "external")'];
  const rows = columns(runners.map((runner) => [runnerName(runner), `on ${runner.host}`, runnerState(runner), ...(runner.alive ? [busyOf(runner)] : []), `heartbeat ${formatTime(runner.heartbeat_at)}`]));
  const slots = columns(runners.flatMap((runner) => (runner.alive ? runner.slots.map(slotCells) : [])));
  const lines = [colour.bold(`Background agents (${runners.length})`)];
  // Each runner's busy slots under it (the slot rows aligned with one another).
  let next = 0;
  runners.forEach((runner, index) => {
    lines.push(`  ${rows[index] ?? ''}`);
    const count = runner.alive ? runner.slots.length : 0;
    lines.push(...slots.slice(next, next + count).map((line) => `    ${line}`));
    next += count;
  });
  return lines;
}

/** A busy slot: the run, step and attempt it runs (a command file of the original's format names none), since when. */
function slotCells(slot: RunnerInfo['slots'][number]): string[] {
  if (slot.run_id === null) return [`command ${slot.command_file}`, '', '', `since ${formatTime(slot.started_at)}`];
  return [`run ${slot.run_id}`, `step ${slot.step_id ?? '?'}`, `attempt ${slot.attempt ?? '?'}`, `since ${formatTime(slot.started_at)}`];
}

/** "busy 1/4": busy slots of max_parallel_agents ("busy 1" from a runner that does not say how many it has). */
function busyOf(runner: RunnerInfo): string {
  return `busy ${runner.busy}${runner.max_parallel === null ? '' : `/${runner.max_parallel}`}`;
}

/** The queue's depth and its live workers (nothing at all for a project that neither uses nor names a queue). */
function queueLines({ queue }: AutoExecutionStatusReport): string[] {
  if (queue === undefined) return [];
  if (!queue.reachable) return [colour.warn(`Queue: not readable: ${queue.error}`), ''];
  const { waiting, active, delayed } = queue.depth;
  const lines = [`${colour.bold('Queue')} ${queue.queue} at ${queue.url} (Redis ${queue.redis_version}): ${waiting} waiting, ${active} active, ${delayed} delayed`];
  if (queue.workers.length === 0) {
    lines.push(colour.warn('  no live worker: steps wait until one starts ("tapps-agents background-agent start --queue" on a machine with a clone)'));
    return [...lines, ''];
  }
  const rows = queue.workers.map((worker) => [
    `pid ${worker.pid}`,
    `on ${worker.host}`,
    worker.state === 'running' ? colour.ok(`${worker.busy} busy, ${worker.free} free`) : colour.warn(`${worker.state} (${worker.busy} busy)`),
    `v${worker.version}`,
    `heartbeat ${formatTime(worker.heartbeat_at)}`,
  ]);
  return [...lines, colour.bold(`Queue workers (${queue.workers.length})`), ...columns(rows).map((line) => `  ${line}`), ''];
}

function runnerName(runner: RunnerInfo): string {
  if (runner.mode === 'embedded') return `embedded in ${runner.run_id === null ? 'a workflow execute' : `workflow run ${runner.run_id}`} (pid ${runner.pid})`;
  return runner.id === null ? `pid ${runner.pid}` : `${runner.id} (pid ${runner.pid})`;
}

function runnerState(runner: RunnerInfo): string {
  if (runner.stalled) return colour.warn(`stalled: alive (pid ${runner.pid}) but no heartbeat since ${runner.heartbeat_at ?? '?'}; it may be stopped (SIGSTOP) or hung`);
  if (runner.alive) return colour.ok(runner.state);
  if (runner.mode === 'embedded') {
    const resume = runner.run_id === null ? '' : `; resume the run with "tapps-agents workflow resume ${runner.run_id}"`;
    return colour.warn(`gone (its workflow execute process died${resume})`);
  }
  // A runner that stopped cleanly is history, not a problem; one whose status still says running but whose pid is gone died.
  return runner.state === 'stopped' ? colour.dim('stopped') : colour.warn(`${runner.state}, not running (it died; stale status file)`);
}

/** Damaged runs and unusable runner status files: said, so that a file nobody can read never hides silently. */
function unusableLines({ damaged_runs: runs, unusable_runner_files: files }: AutoExecutionStatusReport): string[] {
  const lines = [
    ...runs.map((run) => colour.warn(run.message)),
    ...files.map((file) => colour.warn(`Runner status file ${file.file} ${file.problem}: it is ignored (a runner rewrites it within 2 s; a file that stays so is left by a runner that is gone — remove it)`)),
  ];
  return lines.length === 0 ? [] : ['', ...lines];
}

function recentLines({ recent_executions: records }: AutoExecutionStatusReport): string[] {
  if (records.length === 0) return ['Recent executions: none recorded'];
  return [colour.bold(`Recent executions (${records.length})`), ...executionRows(records, '  ')];
}
