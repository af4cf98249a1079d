// What conditions and gates can read: `steps.<id>.{status,outputs,attempt,error}`, `params.*`, and in a gate the
// step's own `outputs.*`. A missing field is an error that names what is there, never a silent `true`.
//
// A field is looked up on its own (its step, its named result): an expression reads a few fields, and building the
// whole scope for each condition and gate made a run of n conditional steps cost O(n²). The whole scope is built only
// to say what is there when a field is missing.

import { evaluateExpression, objectResolver, type Expression, type Resolver } from './expression.js';
import type { RunState, StepState } from './run-state.js';

/** The presets' named results (see named-results.ts): one by name, or all of them. */
export interface NamedScope {
  /** What `all()[name]` holds, or undefined when it holds nothing. */
  get(name: string): { value: unknown } | undefined;
  all(): Record<string, unknown>;
}

const NO_NAMES: NamedScope = { get: () => undefined, all: () => ({}) };

/**
 * Evaluates `expression` against the run's state; `ownOutputs` is set for gates; `named` holds the presets' named
 * results (scoring, test_results, security_scan, <step>.status; see named-results.ts), below steps/params/outputs.
 */
export function evaluateInRun(expression: Expression, state: RunState, ownOutputs?: Record<string, unknown>, named: NamedScope = NO_NAMES): boolean {
  return evaluateExpression(expression, runResolver(state, ownOutputs, named));
}

/** The view of one step an expression reads. */
function stepView(step: StepState): Record<string, unknown> {
  return { status: step.status, outputs: step.outputs, attempt: step.attempt, error: step.error?.message ?? null };
}

/**
 * Resolves fields as objectResolver would over `{ ...named, steps, params, outputs? }`, building only what a field
 * reads; each view is built once per evaluation, so one field read twice is the same value.
 */
function runResolver(state: RunState, ownOutputs: Record<string, unknown> | undefined, named: NamedScope): Resolver {
  const views = new Map<string, Record<string, unknown>>();
  const namedValues = new Map<string, { value: unknown } | undefined>();
  let allSteps: Record<string, unknown> | undefined;
  let whole: Resolver | undefined;
  const steps = () => (allSteps ??= Object.fromEntries(Object.keys(state.steps).map((id) => [id, view(id)])));
  const view = (id: string) => {
    let found = views.get(id);
    if (found === undefined) {
      found = stepView(state.steps[id] as StepState);
      views.set(id, found);
    }
    return found;
  };
  const top = (name: string): { value: unknown } | undefined => {
    if (name === 'outputs' && ownOutputs !== undefined) return { value: ownOutputs };
    if (name === 'params') return { value: state.params };
    if (name === 'steps') return { value: undefined };
    if (!namedValues.has(name)) namedValues.set(name, named.get(name));
    return namedValues.get(name);
  };
  return (segments, text) => {
    const [first, second] = segments;
    let value: unknown;
    let from = 1;
    if (first === 'steps' && second !== undefined && Object.hasOwn(state.steps, second)) {
      value = view(second);
      from = 2;
    } else if (first === 'steps') {
      value = steps();
    } else {
      const found = first === undefined ? undefined : top(first);
      if (found === undefined) return (whole ??= wholeScope())(segments, text);
      value = found.value;
    }
    for (let index = from; index < segments.length; index++) {
      const segment = segments[index] as string;
      if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return (whole ??= wholeScope())(segments, text);
      value = (value as Record<string, unknown>)[segment];
    }
    return { found: true, value };
  };

  function wholeScope(): Resolver {
    return objectResolver({ ...named.all(), steps: steps(), params: state.params, ...(ownOutputs === undefined ? {} : { outputs: ownOutputs }) });
  }
}
