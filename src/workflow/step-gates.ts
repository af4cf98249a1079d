// A succeeded step's gate: its condition decides on_pass / on_fail — go on, fail the step, jump forward (skipping the
// steps in between) or loop back over earlier steps, at most max_iterations times.

import type { ActiveRun } from './active-run.js';
import { ExpressionEvaluationError } from './expression.js';
import type { GateTarget, Step } from './model.js';
import { namedScope } from './named-results.js';
import { evaluateInRun } from './step-scope.js';
import { transitionStep } from './step-transition.js';

/** After a step succeeded: decide its gate and follow on_pass / on_fail (bounded loops). */
export function applyGate(run: ActiveRun, step: Step): void {
  const gate = step.gate;
  if (gate === undefined) return;
  const { state, store, options } = run;
  let passed: boolean;
  try {
    passed = evaluateInRun(gate.expression, state, run.stepState(step.id).outputs, namedScope(options.workflow, state, step));
  } catch (error) {
    if (!(error instanceof ExpressionEvaluationError)) throw error;
    failByGate(run, step, `gate condition ${JSON.stringify(gate.text)} cannot be evaluated: ${error.message}`, 'GATE_ERROR');
    return;
  }
  const target: GateTarget = passed ? gate.onPass : gate.onFail;
  store.emit(passed ? 'gate.passed' : 'gate.failed', { stepId: step.id, condition: gate.text, target: target.kind === 'step' ? target.stepId : target.kind });
  if (target.kind === 'next') return;
  if (target.kind === 'fail') {
    failByGate(run, step, `gate failed: ${gate.text}`, 'GATE_FAILED');
    return;
  }
  const to = target.kind === 'retry' ? step : (run.steps.get(target.stepId) as Step);
  if (to.index > step.index) {
    // A jump forward: the steps in between are skipped.
    for (const other of options.workflow.steps) {
      if (other.index > step.index && other.index < to.index && run.stepState(other.id).status === 'pending') run.skipStep(other, `skipped by the gate of "${step.id}" (jump to "${to.id}")`);
    }
    return;
  }
  const iterations = (state.gate_iterations[step.id] ?? 0) + 1;
  if (iterations > gate.maxIterations) {
    store.emit('gate.exhausted', { stepId: step.id, iterations: gate.maxIterations });
    failByGate(run, step, `gate loop stopped after ${gate.maxIterations} iterations (max_iterations); last result: ${passed ? 'passed' : 'failed'} ${gate.text}`, 'GATE_LOOP_EXHAUSTED');
    return;
  }
  state.gate_iterations[step.id] = iterations;
  for (const other of options.workflow.steps) {
    if (other.index < to.index || other.index > step.index) continue;
    if (run.running.has(other.id) && other.id !== step.id) continue;
    transitionStep(run, other.id, { type: 'rerun' });
  }
  store.changed();
  store.emit('gate.loop', { stepId: step.id, to: to.id, iteration: iterations, maxIterations: gate.maxIterations });
}

function failByGate(run: ActiveRun, step: Step, message: string, code: string): void {
  transitionStep(run, step.id, { type: 'fail', message, error: { message, code, retryable: false }, onError: step.onError });
  run.afterFailure(step, message);
}
