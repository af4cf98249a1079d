// A run's state as orchestrator `finalize` reads it (the RunSummary of src/agents/skill.ts), from state.json.

import type { RunSummary, RunSummaryStep } from '../agents/skill.js';
import { readRunState, type RunState, type StepState } from './run-state.js';

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

/**
 * The summary of run `runId` as last written (the executor writes every completion before it dispatches the next
 * step, so the file is current for the step being dispatched). Undefined when the run has no state yet.
 */
export async function readRunSummary(projectRoot: string, runId: string): Promise<RunSummary | undefined> {
  try {
    return runSummaryOf(await readRunState(projectRoot, runId));
  } catch {
    return undefined;
  }
}
