// The shapes the executor creates: a new run's state, one step's initial state, a stored state made ready for a resume,
// and the metrics record of one attempt. Kept beside run-state.ts (the types) so the executor only orchestrates.

import type { ExecutionRecord, ExecutionStatus } from '../observability/observer.js';
import { formatSkillCommand } from '../protocol/skill-command.js';
import { stepStateDir } from '../protocol/run-paths.js';
import { redactSecrets } from '../redaction/redact.js';
import type { AttemptOutcome } from '../transport/transport.js';
import { isoNow, systemClock, type Clock } from './clock.js';
import type { Step, Workflow } from './model.js';
import { thisExecutor, type RunState, type StepState } from './run-state.js';
import { transitionStep, withoutEvents } from './step-transition.js';

/** A fresh state for a new run of `workflow`. */
export function newRunState(options: { projectRoot: string; workflow: Workflow; runId: string; params: Record<string, unknown>; autoExecution: boolean; transport: string; clock?: Clock }): RunState {
  const now = isoNow(options.clock ?? systemClock);
  const { projectRoot, workflow, runId } = options;
  return {
    schemaVersion: 1,
    run_id: runId,
    workflow_id: workflow.id,
    workflow_name: workflow.name,
    workflow_file: workflow.absolutePath,
    status: 'running',
    executor: thisExecutor(),
    started_at: now,
    updated_at: now,
    completed_at: null,
    error: null,
    params: { ...workflow.params, ...options.params },
    auto_execution: options.autoExecution,
    transport: options.transport,
    gate_iterations: {},
    steps: Object.fromEntries(workflow.steps.map((step): [string, StepState] => [step.id, newStepState(projectRoot, runId, step)])),
  };
}

/** A step before its first attempt: pending, in the project root, its directory under the run. */
export function newStepState(projectRoot: string, runId: string, step: Step): StepState {
  return {
    name: step.name,
    status: 'pending',
    attempt: 0,
    started_at: null,
    completed_at: null,
    step_dir: stepStateDir(projectRoot, runId, step.id),
    work_dir: projectRoot,
    outputs: {},
    artifacts: [],
    error: null,
    ...(step.invocation === undefined ? {} : { agent: step.invocation.agent, action: step.invocation.action }),
  };
}

/**
 * Prepares a stored state for a resume: steps that did not succeed or get skipped by their condition run again;
 * a step that was running keeps its attempt number (the same attempt is dispatched again).
 */
export function prepareResume(state: RunState, clock: Clock = systemClock): void {
  const target = withoutEvents(state, clock);
  for (const [id, step] of Object.entries(state.steps)) {
    // A step skipped because the run stopped runs again; one its condition left out stays skipped.
    const stoppedSkip = step.status === 'skipped' && step.skip_reason?.startsWith('run ') === true;
    if (step.status === 'failed' || step.status === 'cancelled' || step.status === 'running' || step.status === 'waiting_approval' || stoppedSkip) transitionStep(target, id, { type: 'resume' });
    delete step.retry_at;
  }
  state.status = 'running';
  state.error = null;
  state.completed_at = null;
  state.executor = thisExecutor();
}

/** The metrics record of one attempt of `step` (or of its skip, or of an approval). */
export function executionRecord(state: RunState, step: Step, stepState: StepState, status: ExecutionStatus, startedAt: string, completedAt: string, error: string | null, outcome?: AttemptOutcome): Omit<ExecutionRecord, 'schemaVersion' | 'ts'> {
  return {
    execution_id: `${state.run_id}/${step.id}/${stepState.attempt}`,
    workflow_id: state.workflow_id,
    run_id: state.run_id,
    step_id: step.id,
    agent: step.invocation?.agent ?? 'approval',
    action: step.invocation?.action ?? 'approve',
    command: step.invocation === undefined ? '' : redactSecrets(formatSkillCommand(step.invocation)),
    status,
    duration_ms: Math.max(0, Date.parse(completedAt) - Date.parse(startedAt)),
    retry_count: Math.max(0, stepState.attempt - 1),
    started_at: startedAt,
    completed_at: completedAt,
    error_message: error,
    // Before usage, which the metrics summary's fast reader expects last (src/observability/summary-fields.ts).
    ...(outcome?.worker === undefined ? {} : { worker: outcome.worker }),
    usage: outcome?.usage ?? null,
  };
}
