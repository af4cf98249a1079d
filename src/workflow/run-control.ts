// Looking at and steering runs from outside their executor: list, status, cancel, approve/reject.

import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ENGINE_OUTPUT_FILE_NAME } from '../agents/model/engine-output-record.js';
import { PROMPT_FILE_NAME } from '../agents/model/prompt-record.js';
import { TappsError } from '../errors.js';
import { idProblem, ownEntry } from '../ids.js';
import { redactValue } from '../redaction/redact.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { readApprovalDecision, writeApprovalDecision, type ApprovalDecision } from './approval.js';
import { checkRunId, runPaths } from '../protocol/run-paths.js';
import { listRunStates, type DamagedRun } from './run-list.js';
import { describeRunOutcome, displayedStatus, isExecutorAlive, readRunState, type RunState, type RunStatus } from './run-state.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { isoNow, systemClock, type Clock } from './clock.js';

/** One run as `workflow list` shows it. */
export interface RunListEntry {
  run_id: string;
  workflow_id: string;
  workflow_name: string;
  status: RunStatus | 'interrupted';
  started_at: string;
  completed_at: string | null;
  steps: Record<string, number>;
}

/** Every run of the project, newest first (damaged runs left out: see {@link listRunsReport}). */
export async function listRuns(projectRoot: string): Promise<RunListEntry[]> {
  return (await listRunsReport(projectRoot)).runs;
}

/** Every run of the project, newest first, and the runs whose state.json is damaged (with its path and why). */
export async function listRunsReport(projectRoot: string): Promise<{ runs: RunListEntry[]; damaged: DamagedRun[] }> {
  const { states, damaged } = await listRunStates(projectRoot);
  return { runs: states.map(summarise), damaged };
}

function summarise(state: RunState): RunListEntry {
  const steps: Record<string, number> = {};
  for (const step of Object.values(state.steps)) steps[step.status] = (steps[step.status] ?? 0) + 1;
  return { run_id: state.run_id, workflow_id: state.workflow_id, workflow_name: state.workflow_name, status: displayedStatus(state), started_at: state.started_at, completed_at: state.completed_at, steps };
}

/** A run's full state plus the status to show. */
export interface RunStatusReport {
  status: RunStatus | 'interrupted';
  state: RunState;
}

/**
 * Reads one run.
 * @throws {TappsError} RUN_NOT_FOUND
 */
export async function runStatus(projectRoot: string, runId: string): Promise<RunStatusReport> {
  const state = await readRunState(projectRoot, checkRunId(runId));
  return { status: displayedStatus(state), state };
}

/** `workflow status <run> --json`: the state, the status shown, the stored one and the outcome in words. */
export function runStatusJson({ status, state }: RunStatusReport) {
  return { ...state, status, stored_status: state.status, failed_steps: state.failed_steps ?? null, summary: describeRunOutcome(status, state.failed_steps) };
}

/** One step of a run as `workflow status <run> --step <id>` shows it, with the prompt its agent got. */
export interface StepStatusReport {
  run_id: string;
  run_status: RunStatus | 'interrupted';
  step_id: string;
  step: RunState['steps'][string];
  /** prompt.md in the step's directory (model-backed steps), or null when the step has not sent a prompt. */
  prompt_file: string | null;
  prompt: string | null;
}

/**
 * Reads one step of a run and the prompt it sent.
 * @throws {TappsError} RUN_NOT_FOUND; USAGE for a step the run does not have.
 */
export async function stepStatus(projectRoot: string, runId: string, stepId: string): Promise<StepStatusReport> {
  const { status, state } = await runStatus(projectRoot, runId);
  const step = stepOf(state, stepId);
  const file = path.join(step.step_dir, PROMPT_FILE_NAME);
  const prompt = await readIfFile(file);
  return { run_id: state.run_id, run_status: status, step_id: stepId, step, prompt_file: prompt === null ? null : file, prompt };
}

/** What `workflow logs <run> <step>` shows: the engine output of the step's latest attempt. */
export interface StepLogsReport {
  run_id: string;
  step_id: string;
  step_status: RunState['steps'][string]['status'];
  attempt: number;
  /** engine-output.log in the step's directory, or null when the step has written none. */
  log_file: string | null;
  output: string | null;
  /** Why there is no output (null when there is). */
  reason: string | null;
}

/**
 * Reads the engine output (engine-output.log) a step's engine left, latest attempt.
 * @throws {TappsError} RUN_NOT_FOUND; USAGE for an invalid run id or a step the run does not have.
 */
export async function stepLogs(projectRoot: string, runId: string, stepId: string): Promise<StepLogsReport> {
  const { state } = await runStatus(projectRoot, runId);
  const step = stepOf(state, stepId);
  const file = path.join(step.step_dir, ENGINE_OUTPUT_FILE_NAME);
  const output = await readIfFile(file);
  const reason =
    output !== null
      ? null
      : step.agent === undefined
        ? 'it is an approval step: it calls no engine'
        : step.status === 'skipped'
          ? `it was skipped${step.skip_reason === undefined ? '' : ` (${step.skip_reason})`}`
          : step.attempt === 0
            ? `it has not run yet (${step.status})`
            : `${step.agent} ${step.action ?? ''} has called no engine (builtin steps call none; a model-backed step writes ${ENGINE_OUTPUT_FILE_NAME} once its engine has run)`;
  return { run_id: state.run_id, step_id: stepId, step_status: step.status, attempt: step.attempt, log_file: output === null ? null : file, output, reason };
}

/** The step `stepId` of a run; an own entry only (`__proto__` names no step, whatever a plain object inherits). */
function stepOf(state: RunState, stepId: string): RunState['steps'][string] {
  const step = ownEntry(state.steps, stepId);
  if (step !== undefined) return step;
  const invalid = idProblem('step id', stepId);
  const shown = stepId.length > 60 ? `${stepId.slice(0, 60)}…` : stepId;
  throw new TappsError('USAGE', `Run ${state.run_id} has no step "${shown}"${invalid === undefined ? '' : ` (${invalid})`}; its steps are: ${Object.keys(state.steps).join(', ')}`);
}

/** A file's text when it is a regular file (never a FIFO or a directory someone put there), else null. */
async function readIfFile(file: string): Promise<string | null> {
  return (await stat(file).catch(() => undefined))?.isFile() === true ? readRegularFile(file) : null;
}

/** How {@link cancelRun} and {@link decideApproval} stamp what they write. */
export interface RunControlOptions {
  /** The time of a cancellation or a decision. @default systemClock */
  clock?: Clock;
}

/** What `workflow cancel` did. */
export interface CancelReport {
  run_id: string;
  /** `signalled`: its executor was sent SIGTERM and will stop; `marked`: no executor was alive, the state was updated. */
  action: 'signalled' | 'marked' | 'none';
  pid?: number;
  status: RunStatus | 'interrupted';
}

/**
 * Cancels a run: a live executor (same host) gets SIGTERM, kills its steps' process groups and marks the run cancelled;
 * a run with no live executor is marked cancelled here. A finished run is left alone.
 * @throws {TappsError} RUN_NOT_FOUND; CONFLICT when the executor runs on another host.
 */
export async function cancelRun(projectRoot: string, runId: string, options: RunControlOptions = {}): Promise<CancelReport> {
  const state = await readRunState(projectRoot, checkRunId(runId));
  if (state.status !== 'running' && state.status !== 'waiting_approval') return { run_id: runId, action: 'none', status: state.status };
  if (state.executor.host !== hostname()) {
    throw new TappsError('CONFLICT', `Run ${runId} is executed on host ${state.executor.host}; cancel it there`);
  }
  // The recorded process only: a dead run's pid now used by another process is not signalled (start time compared).
  if (state.executor.pid !== process.pid && isExecutorAlive(state)) {
    process.kill(state.executor.pid, 'SIGTERM');
    return { run_id: runId, action: 'signalled', pid: state.executor.pid, status: 'running' };
  }
  const now = isoNow(options.clock ?? systemClock);
  for (const step of Object.values(state.steps)) {
    if (step.status === 'running' || step.status === 'waiting_approval') {
      step.status = 'cancelled';
      step.completed_at = now;
    }
  }
  Object.assign(state, { status: 'cancelled', error: 'cancelled', completed_at: now, updated_at: now });
  await writeFileAtomically(runPaths(projectRoot, runId).state, `${JSON.stringify(redactValue(state), null, 1)}\n`);
  return { run_id: runId, action: 'marked', status: 'cancelled' };
}

/** What `workflow approve|reject` did. */
export interface ApprovalReport {
  run_id: string;
  step_id: string;
  decision: ApprovalDecision;
  /** True when no executor is alive: the decision is applied by `workflow resume`. */
  needs_resume: boolean;
}

/**
 * Records a decision for an approval step. The waiting executor picks it up at once; a stopped run on resume.
 * @throws {TappsError} RUN_NOT_FOUND; USAGE for an unknown or non-approval step; CONFLICT when already decided.
 */
export async function decideApproval(projectRoot: string, runId: string, stepId: string, decision: 'approved' | 'rejected', comment?: string, options: RunControlOptions = {}): Promise<ApprovalReport> {
  const state = await readRunState(projectRoot, checkRunId(runId));
  // An own entry only: `__proto__` or `constructor` names no step, whatever a plain object inherits.
  const step = stepOf(state, stepId);
  if (step.agent !== undefined) throw new TappsError('USAGE', `Step "${stepId}" of run ${runId} is not an approval step (it runs ${step.agent} ${step.action ?? ''})`);
  const file = runPaths(projectRoot, runId).approval(stepId);
  const existing = await readApprovalDecision(file);
  if (existing !== undefined || step.status === 'succeeded' || step.status === 'failed') {
    const what = existing === undefined ? step.status : `${existing.decision} by ${existing.by} at ${existing.at}`;
    throw new TappsError('CONFLICT', `Step "${stepId}" of run ${runId} is already decided (${what})`);
  }
  const written = await writeApprovalDecision(file, decision, comment, options.clock);
  const live = (state.status === 'running' || state.status === 'waiting_approval') && displayedStatus(state) !== 'interrupted';
  return { run_id: runId, step_id: stepId, decision: written, needs_resume: !live };
}
