// The original presets' gate vocabulary: results read by name instead of by step id — `scoring.*` (the reviewer),
// `test_results.*` (the tester), `security_scan.*` (the dependency audit) and `<step>.status == "success"`. Each name
// is bound to one source: the latest step of its kind at or before the step that reads it (in file order).
// Scales follow the original: `scoring.overall_score` 0–100, the other scores 0–10 (ours are 0–100, divided by 10).

import type { Step, Workflow } from './model.js';
import type { RunState, StepState } from './run-state.js';

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

/** The source step of `root` for a reader at `index`: the latest accepted step at or before it. */
export function sourceStep(root: string, steps: readonly Step[], index: number): Step | undefined {
  const source = NAMED_SOURCES[root];
  if (source === undefined) return undefined;
  return steps.filter((step) => step.index <= index && source.accepts(step)).at(-1);
}

/** The original's word for a step status. */
function originalStatus(status: StepState['status']): string {
  return status === 'succeeded' ? 'success' : status;
}

/** The named results as seen by `reader` (a step of `workflow`) in `state`: only those with a source that has run. */
export function namedResults(workflow: Workflow, state: RunState, reader: Step): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const step of workflow.steps) {
    const stepState = state.steps[step.id];
    if (stepState !== undefined) named[step.id] = { status: originalStatus(stepState.status) };
  }
  const outputsOf = (root: string) => {
    const source = sourceStep(root, workflow.steps, reader.index);
    const stepState = source === undefined ? undefined : state.steps[source.id];
    return stepState === undefined || stepState.status === 'pending' || stepState.status === 'running' ? undefined : { source: source as Step, stepState };
  };
  const review = outputsOf('scoring');
  if (review !== undefined && typeof review.stepState.outputs.score === 'number') named.scoring = scoringOf(review.stepState.outputs, reader.thresholds ?? review.source.thresholds);
  const tests = outputsOf('test_results');
  if (tests !== undefined && 'tests_passed' in tests.stepState.outputs) {
    const out = tests.stepState.outputs;
    named.test_results = { passed: out.tests_passed === true, failed: out.failed, total: out.total, skipped: out.skipped, exit_code: out.exit_code };
  }
  const audit = outputsOf('security_scan');
  if (audit !== undefined && 'passed' in audit.stepState.outputs) {
    const out = audit.stepState.outputs;
    named.security_scan = { passed: out.passed === true, audited: out.audited === true, total: out.total ?? 0, critical: out.critical ?? 0, high: out.high ?? 0, moderate: out.moderate ?? 0, low: out.low ?? 0 };
  }
  return named;
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
