// Whether a ready step runs: its condition (default, always, on_failure, prerequisites_met, an expression) and a run
// stopped by a failure, which lets only `always` and `on_failure` steps through.

import type { ActiveRun } from './active-run.js';
import { transitiveDependencies } from './dependencies.js';
import { ExpressionEvaluationError } from './expression.js';
import type { Step } from './model.js';
import { namedResults } from './named-results.js';
import { evaluateInRun } from './step-scope.js';

/** Why a step is left out: skipped, or failed when its condition cannot be evaluated. */
export interface SkipReason {
  reason: string;
  failed?: boolean;
}

/** Why a ready step does not run, or undefined when it does. */
export function skipReason(run: ActiveRun, step: Step): SkipReason | undefined {
  const condition = step.condition;
  const { state, options } = run;
  if (run.stopError !== undefined) {
    if (condition.kind === 'always' || condition.kind === 'on_failure') return undefined;
    return { reason: 'run stopped after a failure' };
  }
  switch (condition.kind) {
    case 'default':
    case 'always':
      return undefined;
    case 'on_failure':
      return Object.values(state.steps).some((other) => other.status === 'failed') ? undefined : { reason: 'condition on_failure: no step has failed' };
    case 'prerequisites_met': {
      const unmet = [...transitiveDependencies(run.dependencies, step.id)].filter((id) => state.steps[id]?.status !== 'succeeded');
      return unmet.length === 0 ? undefined : { reason: `condition prerequisites_met: ${unmet.map((id) => `"${id}" ${state.steps[id]?.status ?? 'unknown'}`).join(', ')}` };
    }
    case 'expression':
      try {
        return evaluateInRun(condition.expression, state, undefined, namedResults(options.workflow, state, step)) ? undefined : { reason: `condition is false: ${condition.text}` };
      } catch (error) {
        if (!(error instanceof ExpressionEvaluationError)) throw error;
        return { reason: `condition ${JSON.stringify(condition.text)} cannot be evaluated: ${error.message} (${options.workflow.file}:${step.location.line})`, failed: true };
      }
  }
}
