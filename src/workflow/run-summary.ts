// A run's state as orchestrator steps (finalize, aggregate-results) read it: the RunSummary of src/agents/skill.ts,
// handed to them by the executor in the step's run context (it travels in the command file).

import type { RunSummary, RunSummaryStep } from '../agents/skill.js';
import type { RunState, StepState } from './run-state.js';

const STATUS: Record<StepState['status'], RunSummaryStep['status']> = {
  pending: 'pending',
  running: 'running',
  waiting_approval: 'running',
  succeeded: 'success',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

/** The summary of a run's state. */
export function runSummaryOf(state: RunState): RunSummary {
  return {
    workflow_id: state.workflow_id,
    run_id: state.run_id,
    workflow_name: state.workflow_name,
    started_at: state.started_at,
    steps: Object.entries(state.steps).map(([id, step]) => ({
      step_id: id,
      agent: step.agent ?? 'approval',
      action: step.action ?? 'approve',
      status: step.error?.code === 'TIMEOUT' && step.status === 'failed' ? 'timeout' : STATUS[step.status],
      attempts: step.attempt,
      ...(step.started_at !== null && step.completed_at !== null ? { duration_ms: Date.parse(step.completed_at) - Date.parse(step.started_at) } : {}),
      artifacts: step.artifacts,
      outputs: step.outputs,
      ...(step.error === null ? {} : { error_message: step.error.message }),
    })),
  };
}
