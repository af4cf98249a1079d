// What conditions and gates can read: `steps.<id>.{status,outputs,attempt,error}`, `params.*`, and in a gate the
// step's own `outputs.*`. A missing field is an error that names what is there, never a silent `true`.

import { evaluateExpression, objectResolver, type Expression } from './expression.js';
import type { RunState } from './run-state.js';

/**
 * Evaluates `expression` against the run's state; `ownOutputs` is set for gates; `named` holds the presets' named
 * results (scoring, test_results, security_scan, <step>.status; see named-results.ts), below steps/params/outputs.
 */
export function evaluateInRun(expression: Expression, state: RunState, ownOutputs?: Record<string, unknown>, named: Record<string, unknown> = {}): boolean {
  const steps = Object.fromEntries(
    Object.entries(state.steps).map(([id, step]) => [id, { status: step.status, outputs: step.outputs, attempt: step.attempt, error: step.error?.message ?? null }]),
  );
  return evaluateExpression(expression, objectResolver({ ...named, steps, params: state.params, ...(ownOutputs === undefined ? {} : { outputs: ownOutputs }) }));
}
