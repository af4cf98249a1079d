// An approval step: the run waits (status waiting_approval) for `workflow approve|reject`, or until its timeout, which
// is measured from when the step first started waiting, also across restarts.

import { runPaths } from '../protocol/run-paths.js';
import type { ActiveRun } from './active-run.js';
import { waitForApproval } from './approval.js';
import type { Step } from './model.js';
import { transitionStep } from './step-transition.js';

/** Waits for the decision on approval step `step` and finishes it accordingly. */
export async function runApprovalStep(run: ActiveRun, step: Step): Promise<void> {
  const { state, options } = run;
  const stepState = run.stepState(step.id);
  const approval = step.approval as NonNullable<Step['approval']>;
  state.status = 'waiting_approval';
  // Whoever reads the event (a person, a script) may act on state.json at once: the transition writes it first.
  await transitionStep(run, step.id, { type: 'await_approval', prompt: approval.prompt, approve: `tapps-agents workflow approve ${state.run_id} ${step.id}`, reject: `tapps-agents workflow reject ${state.run_id} ${step.id}` });
  const deadline = approval.timeoutMs === undefined ? undefined : Date.parse(stepState.started_at as string) + approval.timeoutMs;
  const decision = await waitForApproval(runPaths(options.projectRoot, state.run_id).approval(step.id), run.clock, options.signal ?? new AbortController().signal, deadline);
  if (run.countOf('waiting_approval') - (stepState.status === 'waiting_approval' ? 1 : 0) === 0) state.status = 'running';
  if (decision === undefined) {
    if (run.isCancelled()) {
      transitionStep(run, step.id, { type: 'cancel', message: 'cancelled while waiting for approval' });
      return;
    }
    const message = `Nobody approved or rejected within ${approval.timeoutMs ?? 0} ms`;
    transitionStep(run, step.id, { type: 'fail', message, error: { message, code: 'APPROVAL_TIMEOUT', retryable: false } });
    run.afterFailure(step, message);
    return;
  }
  stepState.outputs = { decision: decision.decision, by: decision.by, at: decision.at, ...(decision.comment === undefined ? {} : { comment: decision.comment }) };
  if (decision.decision === 'approved') {
    transitionStep(run, step.id, { type: 'succeed', output: `approved by ${decision.by}` });
    return;
  }
  const message = `Rejected by ${decision.by}${decision.comment === undefined ? '' : `: ${decision.comment}`}`;
  transitionStep(run, step.id, { type: 'fail', message, error: { message, code: 'REJECTED', retryable: false } });
  run.afterFailure(step, message);
}
