// The original presets' gate vocabulary: results read by name instead of by step id — `scoring.*` (the reviewer),
// `test_results.*` (the tester), `security_scan.*` (the dependency audit) and `<step>.status == "success"`. Each name
// is bound to one source: the latest step of its kind at or before the step that reads it (in file order).
// Scales follow the original: `scoring.overall_score` 0–100, the other scores 0–10 (ours are 0–100, divided by 10).

import type { Step, Workflow } from './model.js';
import type { RunState, StepState } from './run-state.js';
import type { NamedScope } from './step-scope.js';

/** One named root: which steps feed it and what it offers. */
interface NamedSource {
  /** What the validation error says is missing. */
  needs: string;
  accepts(step: Step): boolean;
  keys: readonly string[];
}

/** The reviewer metrics a threshold may name, with the scale of each (the original's). */
export const SCORED_METRICS: Readonly<Record<string, { max: number }>> = { overall: { max: 100 }, complexity: { max: 10 }, maintainability: { max: 10 }, size: { max: 10 }, lint: { max: 10 } };

const isAction = (step: Step, agent: string, actions: readonly string[]) => step.invocation?.agent === agent && actions.includes(step.invocation.action);

export const NAMED_SOURCES: Readonly<Record<string, NamedSource>> = {
  scoring: {
    needs: 'a reviewer review-code (or score) step',
    accepts: (step) => isAction(step, 'reviewer', ['review-code', 'review', 'score', 'score-code']),
    keys: ['passed', 'overall_score', 'overall', 'complexity', 'maintainability', 'size', 'lint', 'thresholds'],
  },
  test_results: {
    needs: 'a tester run-tests step',
    accepts: (step) => isAction(step, 'tester', ['run-tests', 'testing-run', 'test-run']),
    keys: ['passed', 'failed', 'total', 'skipped', 'exit_code'],
  },
  security_scan: {
    needs: 'an ops audit-deps step',
    accepts: (step) => isAction(step, 'ops', ['audit-deps', 'audit', 'audit-dependencies']),
    keys: ['passed', 'audited', 'total', 'critical', 'high', 'moderate', 'low'],
  },
};

/** Thresholds of a step: `overall_min` (or `overall`, `min_score`) 0–100; `<metric>_min` 0–10. Keyed by metric. */
export type Thresholds = Record<string, number>;

/** The metric a threshold key names, or undefined when it names none of ours. */
export function thresholdMetric(key: string): string | undefined {
  if (key === 'overall' || key === 'min_score') return 'overall';
  const metric = key.endsWith('_min') ? key.slice(0, -4) : key;
  return Object.hasOwn(SCORED_METRICS, metric) ? metric : undefined;
}

/** The steps each named root reads from, by list of steps (the workflow's, or the loader's while it checks). */
const acceptedByList = new WeakMap<readonly Step[], { length: number; byRoot: Map<string, { steps: Step[]; ordered: boolean }> }>();

/** The steps of `steps` that `root` accepts, in list order, and whether their indexes rise with it. */
function acceptedSteps(root: string, source: NamedSource, steps: readonly Step[]): { steps: Step[]; ordered: boolean } {
  let cached = acceptedByList.get(steps);
  if (cached === undefined || cached.length !== steps.length) {
    cached = { length: steps.length, byRoot: new Map() };
    acceptedByList.set(steps, cached);
  }
  let accepted = cached.byRoot.get(root);
  if (accepted === undefined) {
    const list = steps.filter((step) => source.accepts(step));
    accepted = { steps: list, ordered: list.every((step, at) => at === 0 || (list[at - 1] as Step).index < step.index) };
    cached.byRoot.set(root, accepted);
  }
  return accepted;
}

/**
 * The source step of `root` for a reader at `index`: the latest accepted step at or before it. O(log steps): the
 * accepted steps of a list are found once (every condition and gate of a run asks), then searched by index.
 */
export function sourceStep(root: string, steps: readonly Step[], index: number): Step | undefined {
  const source = NAMED_SOURCES[root];
  if (source === undefined) return undefined;
  const accepted = acceptedSteps(root, source, steps);
  if (!accepted.ordered) return accepted.steps.filter((step) => step.index <= index).at(-1);
  let low = 0;
  let high = accepted.steps.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((accepted.steps[middle] as Step).index <= index) low = middle + 1;
    else high = middle;
  }
  return accepted.steps[low - 1];
}

/** The original's word for a step status. */
function originalStatus(status: StepState['status']): string {
  return status === 'succeeded' ? 'success' : status;
}

/** The ids of each workflow's steps (a named result `<step>.status` exists only for the workflow's own steps). */
const stepIdsOf = new WeakMap<readonly Step[], { length: number; ids: Set<string> }>();

function isWorkflowStep(workflow: Workflow, id: string): boolean {
  let cached = stepIdsOf.get(workflow.steps);
  if (cached === undefined || cached.length !== workflow.steps.length) {
    cached = { length: workflow.steps.length, ids: new Set(workflow.steps.map((step) => step.id)) };
    stepIdsOf.set(workflow.steps, cached);
  }
  return cached.ids.has(id);
}

/** The named results as seen by `reader` (a step of `workflow`) in `state`: only those with a source that has run. */
export function namedResults(workflow: Workflow, state: RunState, reader: Step): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const step of workflow.steps) {
    const stepState = state.steps[step.id];
    if (stepState !== undefined) named[step.id] = { status: originalStatus(stepState.status) };
  }
  for (const root of Object.keys(NAMED_SOURCES)) {
    const value = namedRoot(workflow, state, reader, root);
    if (value !== undefined) named[root] = value;
  }
  return named;
}

/**
 * One named result as `reader` sees it — what `namedResults(...)[name]` holds — without building the others: a
 * condition reads one or two names, and building them all cost O(steps) for every condition of a run.
 */
export function namedResult(workflow: Workflow, state: RunState, reader: Step, name: string): { value: unknown } | undefined {
  if (Object.hasOwn(NAMED_SOURCES, name)) {
    const value = namedRoot(workflow, state, reader, name);
    if (value !== undefined) return { value };
  }
  const stepState = Object.hasOwn(state.steps, name) ? state.steps[name] : undefined;
  return stepState !== undefined && isWorkflowStep(workflow, name) ? { value: { status: originalStatus(stepState.status) } } : undefined;
}

/** The named results `reader` sees, looked up one by one as an expression reads them. */
export function namedScope(workflow: Workflow, state: RunState, reader: Step): NamedScope {
  return { get: (name) => namedResult(workflow, state, reader, name), all: () => namedResults(workflow, state, reader) };
}

/** The value of the named root `root` (scoring, test_results, security_scan) for `reader`, when its source has run. */
function namedRoot(workflow: Workflow, state: RunState, reader: Step, root: string): Record<string, unknown> | undefined {
  const source = sourceStep(root, workflow.steps, reader.index);
  const stepState = source === undefined ? undefined : state.steps[source.id];
  if (source === undefined || stepState === undefined || stepState.status === 'pending' || stepState.status === 'running') return undefined;
  const out = stepState.outputs;
  switch (root) {
    case 'scoring':
      return typeof out.score === 'number' ? scoringOf(out, reader.thresholds ?? source.thresholds) : undefined;
    case 'test_results':
      return 'tests_passed' in out ? { passed: out.tests_passed === true, failed: out.failed, total: out.total, skipped: out.skipped, exit_code: out.exit_code } : undefined;
    case 'security_scan':
      return 'passed' in out ? { passed: out.passed === true, audited: out.audited === true, total: out.total ?? 0, critical: out.critical ?? 0, high: out.high ?? 0, moderate: out.moderate ?? 0, low: out.low ?? 0 } : undefined;
    default:
      return undefined;
  }
}

/** The reviewer's outputs on the original's scales, and whether every threshold is met. */
function scoringOf(outputs: Record<string, unknown>, thresholds: Thresholds | undefined): Record<string, unknown> {
  const score = (key: string) => (typeof outputs[key] === 'number' ? (outputs[key]) : null);
  const tenth = (value: number | null) => (value === null ? null : Math.round(value) / 10);
  const values: Record<string, number | null> = {
    overall: score('score'),
    complexity: tenth(score('complexity_score')),
    maintainability: tenth(score('maintainability_score')),
    size: tenth(score('size_score')),
    lint: tenth(score('lint_score')),
  };
  // Without thresholds the reviewer's own verdict (its min_score) decides.
  const passed =
    thresholds === undefined || Object.keys(thresholds).length === 0
      ? outputs.passed === true
      : Object.entries(thresholds).every(([metric, minimum]) => {
          const value = values[metric];
          return value !== null && value !== undefined && value >= minimum;
        });
  return { passed, overall_score: values.overall, ...values, thresholds: thresholds ?? {} };
}
