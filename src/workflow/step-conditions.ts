// Whether a ready step runs: its condition (default, always, on_failure, prerequisites_met, an expression) and a run
// stopped by a failure, which lets only `always` and `on_failure` steps through.

import type { ActiveRun } from './active-run.js';
import { transitiveDependencies } from './dependencies.js';
import { ExpressionEvaluationError } from './expression.js';
import type { Step } from './model.js';
import { namedScope } from './named-results.js';
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
      return run.countOf('failed') > 0 ? undefined : { reason: 'condition on_failure: no step has failed' };
    case 'prerequisites_met': {
      if (dependenciesSucceeded(run, step.id)) return undefined;
      const unmet = [...transitiveDependencies(run.dependencies, step.id)].filter((id) => state.steps[id]?.status !== 'succeeded');
      return unmet.length === 0 ? undefined : { reason: `condition prerequisites_met: ${unmet.map((id) => `"${id}" ${state.steps[id]?.status ?? 'unknown'}`).join(', ')}` };
    }
    case 'expression':
      try {
        return evaluateInRun(condition.expression, state, undefined, namedScope(options.workflow, state, step)) ? undefined : { reason: `condition is false: ${condition.text}` };
      } catch (error) {
        if (!(error instanceof ExpressionEvaluationError)) throw error;
        return { reason: `condition ${JSON.stringify(condition.text)} cannot be evaluated: ${error.message} (${options.workflow.file}:${step.location.line})`, failed: true };
      }
  }
}

/** For each run, the steps whose dependencies (all of them, transitively) were seen succeeded, with the run's succeededEpoch then. */
const succeededBelow = new WeakMap<ActiveRun, Map<string, number>>();

/**
 * True when every step `id` depends on, directly or through others, has succeeded. Amortised O(1) a step: a step
 * found so is remembered until a step stops being succeeded, so a walk ends at the first remembered step instead of
 * going through every ancestor of each reader (O(n²) over a chain of n `prerequisites_met` steps).
 */
function dependenciesSucceeded(run: ActiveRun, id: string): boolean {
  let known = succeededBelow.get(run);
  if (known === undefined) {
    known = new Map();
    succeededBelow.set(run, known);
  }
  const epoch = run.succeededEpoch;
  const visited = new Set<string>([id]);
  const pending = [id];
  while (pending.length > 0) {
    const next = pending.pop() as string;
    if (known.get(next) === epoch) continue;
    for (const dep of run.dependencies.get(next) ?? []) {
      if (run.state.steps[dep]?.status !== 'succeeded') return false;
      if (!visited.has(dep)) {
        visited.add(dep);
        pending.push(dep);
      }
    }
  }
  for (const step of visited) known.set(step, epoch);
  return true;
}
