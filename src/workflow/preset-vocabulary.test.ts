// The original presets' vocabulary (issue 16 item 1), each item validated and run: named-result gates, scoring
// thresholds with their scales, the action names the presets use, and condition required|optional|conditional.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { findAction } from '../agents/registry.js';
import { resolveConfig } from '../config/resolve.js';
import { formatProblem } from '../config/problem.js';
import type { AttemptOutcome, Transport } from '../transport/transport.js';
import { executeRun } from './executor.js';
import { newRunState } from './run-state-factories.js';
import { loadWorkflow } from './load-workflow.js';
import type { RunEvent, RunState } from './run-state.js';

/** Steps return the outputs the test scripts, in order per step; everything else succeeds with no outputs. */
function scripted(outputs: Record<string, Partial<AttemptOutcome>[]>) {
  const ran: string[] = [];
  const transport: Transport = {
    kind: 'scripted',
    run(attempt) {
      const step = attempt.correlation.step_id;
      ran.push(step);
      const next = outputs[step]?.shift() ?? {};
      const at = new Date().toISOString();
      return Promise.resolve({ status: 'success', outputs: {}, artifacts: [], ...next, startedAt: at, completedAt: at });
    },
    close: () => Promise.resolve(),
  };
  return { transport, ran };
}

async function load(yaml: string) {
  const dir = await testdir({ 'wf.yaml': yaml });
  return { dir, ...(await loadWorkflow(path.join(dir, 'wf.yaml'))) };
}

async function run(yaml: string, outputs: Record<string, Partial<AttemptOutcome>[]>): Promise<{ state: RunState; ran: string[]; events: RunEvent[] }> {
  const { dir, workflow, problems } = await load(yaml);
  expect(problems.filter((problem) => problem.severity === 'error').map(formatProblem)).toEqual([]);
  if (workflow === undefined) throw new Error('invalid');
  const { transport, ran } = scripted(outputs);
  const events: RunEvent[] = [];
  const state = newRunState({ projectRoot: dir, workflow, runId: 'wf-run', params: {}, autoExecution: false, transport: 'scripted' });
  const report = await executeRun({ projectRoot: dir, workflow, config: await resolveConfig({ projectRoot: dir }), transport, state, onEvent: (event) => events.push(event), random: () => 0.5 });
  return { state: report.state, ran, events };
}

/** What the builtin reviewer returns (scores 0–100). */
const review = (score: number, metrics: Partial<Record<'complexity_score' | 'maintainability_score' | 'size_score', number>> = {}) => ({
  outputs: { score, overall_score: score, complexity_score: 90, maintainability_score: 80, size_score: 100, lint_score: null, passed: score >= 70, ...metrics },
});

const LOOP = (gate: string, thresholds = '{ overall_min: 70 }') => `workflow:
  id: loop
  description: a test workflow
  steps:
    - { id: implement, agent: implementer, action: implement, params: { description: a todo list } }
    - id: review
      agent: reviewer
      action: review-code
      scoring: { thresholds: ${thresholds} }
      gate: { condition: ${JSON.stringify(gate)}, on_fail: implement, max_iterations: 3 }
`;

describe('gate conditions over named results', () => {
  it('scoring.passed == true loops back until the reviewer meets every threshold', async () => {
    const { state, ran, events } = await run(LOOP('scoring.passed == true'), { review: [review(55), review(82)] });
    expect(state.status).toBe('succeeded');
    expect(ran).toEqual(['implement', 'review', 'implement', 'review']);
    expect(events.filter((event) => event.type === 'gate.loop')).toHaveLength(1);
  });

  it('scoring.<metric> reads the original scales: overall_score 0–100, the others 0–10', async () => {
    const yaml = LOOP('scoring.overall_score >= 70 && scoring.maintainability >= 7.5');
    const { state, ran } = await run(yaml, { review: [review(90, { maintainability_score: 70 }), review(90, { maintainability_score: 75 })] });
    expect(state.status).toBe('succeeded');
    expect(ran.filter((step) => step === 'review')).toHaveLength(2);
  });

  it('scoring.thresholds mixes scales: overall_min 0–100 with complexity_min 0–10, all of them must pass', async () => {
    const yaml = LOOP('scoring.passed', '{ overall_min: 60, complexity_min: 9.5 }');
    // 90/100 overall, complexity 90/100 = 9.0 < 9.5: fails; then complexity 96 = 9.6: passes.
    const { state, ran } = await run(yaml, { review: [review(90), review(90, { complexity_score: 96 })] });
    expect(state.status).toBe('succeeded');
    expect(ran.filter((step) => step === 'review')).toHaveLength(2);
  });

  it('a bounded loop that never passes stops and says so', async () => {
    const { state } = await run(LOOP('scoring.passed == true'), { review: [review(10), review(10), review(10), review(10)] });
    expect(state.status).toBe('failed');
    expect(state.steps.review?.error?.message).toBe('gate loop stopped after 3 iterations (max_iterations); last result: failed scoring.passed == true');
  });

  it('test_results.passed / .failed / .total read the latest tester run-tests step', async () => {
    const yaml = `workflow:
  id: t
  description: a test workflow
  steps:
    - { id: tests, agent: tester, action: run-tests, on_error: continue }
    - { id: fix, agent: implementer, action: fix, gate: { condition: "test_results.passed == true && test_results.failed == 0 && test_results.total == 4", on_fail: fail } }
`;
    const green = { outputs: { tests_passed: true, passed: 4, failed: 0, skipped: 0, total: 4, exit_code: 0 } };
    expect((await run(yaml, { tests: [green] })).state.status).toBe('succeeded');
    const red = { outputs: { tests_passed: false, passed: 3, failed: 1, skipped: 0, total: 4, exit_code: 1 } };
    const failed = await run(yaml, { tests: [red] });
    expect(failed.state.steps.fix?.error?.message).toBe('gate failed: test_results.passed == true && test_results.failed == 0 && test_results.total == 4');
  });

  it('security_scan.passed reads the latest ops audit-deps step', async () => {
    const yaml = `workflow:
  id: s
  description: a test workflow
  steps:
    - { id: audit, agent: ops, action: audit-deps }
    - { id: ship, agent: documenter, action: generate-report, gate: { condition: security_scan.passed == true, on_fail: fail } }
`;
    expect((await run(yaml, { audit: [{ outputs: { audited: true, passed: true, total: 0 } }] })).state.status).toBe('succeeded');
    expect((await run(yaml, { audit: [{ outputs: { audited: true, passed: false, total: 2, high: 2 } }] })).state.steps.ship?.error?.message).toBe('gate failed: security_scan.passed == true');
  });

  it('<step>.status == "success" reads a step by id in the original words', async () => {
    const yaml = `workflow:
  id: st
  description: a test workflow
  steps:
    - { id: discovery, agent: analyst, action: analyze }
    - { id: design, agent: architect, action: design-system, condition: discovery.status == "success" }
`;
    const { state, ran } = await run(yaml, {});
    expect(state.status).toBe('succeeded');
    expect(ran).toEqual(['discovery', 'design']);
  });
});

describe('validation of the vocabulary', () => {
  const errors = async (yaml: string) => (await load(yaml)).problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.line}:${problem.col}: ${problem.path}: ${problem.message}`);

  it('a threshold on a metric the reviewer does not measure is an error naming it', async () => {
    expect(await errors(LOOP('scoring.passed', '{ overall_min: 60, security_min: 7.0 }'))).toEqual([
      '9:49: workflow.steps.1.scoring.thresholds.security_min: the builtin reviewer does not measure "security" (it measures overall, complexity, maintainability, size, lint); remove security_min, or gate on another result (e.g. security_scan.passed from an ops audit-deps step)',
    ]);
  });

  it('a threshold off its scale is an error (0–10 for every metric but overall)', async () => {
    expect(await errors(LOOP('scoring.passed', '{ maintainability_min: 70 }'))).toEqual(['9:53: workflow.steps.1.scoring.thresholds.maintainability_min: maintainability_min is on the 0–10 scale, got 70']);
  });

  it('a named result without a source step, an unknown key, or a step field other than status is an error', async () => {
    const yaml = `workflow:
  id: v
  description: a test workflow
  steps:
    - { id: one, agent: analyst, action: analyze, gate: { condition: scoring.passed, on_fail: fail } }
    - { id: two, agent: analyst, action: analyze, condition: test_results.coverage > 3 }
    - { id: three, agent: analyst, action: analyze, condition: one.outputs == 1 }
`;
    expect(await errors(yaml)).toEqual([
      '5:70: workflow.steps.0.gate.condition: scoring.passed: no step to read it from; it needs a reviewer review-code (or score) step at or before step "one"',
      '6:62: workflow.steps.1.condition: test_results.coverage: expected test_results.<passed|failed|total|skipped|exit_code>',
      '7:64: workflow.steps.2.condition: one.outputs: a step named by its id offers only one.status (e.g. one.status == "success"); use steps.one.outputs.<key> for the rest',
    ]);
  });
});

describe('the action names the presets use', () => {
  it.each([
    ['improver', 'refactor', 'improve', 'model'],
    ['orchestrator', 'aggregate_results', 'aggregate-results', 'builtin'],
    ['orchestrator', 'inject-context', 'inject-context', 'builtin'],
    ['documenter', 'generate_report', 'generate-report', 'model'],
    ['documenter', 'synthesize-prompt', 'synthesize-prompt', 'model'],
    ['documenter', 'update_docstrings', 'update-docstrings', 'model'],
    ['analyst', 'analyze-prompt', 'analyze-prompt', 'model'],
    ['analyst', 'analyze_requirements', 'analyze-requirements', 'model'],
    ['designer', 'design_feature', 'design-feature', 'model'],
    ['planner', 'create-tasks', 'create-tasks', 'model'],
    ['reviewer', 'define-standards', 'define-standards', 'model'],
  ])('%s %s resolves to %s (%s)', (agent, name, canonical, kind) => {
    expect(findAction(agent, name)).toMatchObject({ name: canonical, kind });
  });
});

describe('condition: required | optional | conditional', () => {
  const yaml = `workflow:
  id: c
  description: a test workflow
  steps:
    - { id: a, agent: analyst, action: analyze, condition: optional }
    - { id: b, agent: analyst, action: analyze, condition: required, requires: [] , needs: [a] }
    - { id: c, agent: analyst, action: analyze, condition: conditional, needs: [a] }
`;
  it('optional goes on after its failure; conditional is skipped when a prerequisite failed; required runs', async () => {
    const { state } = await run(yaml, { a: [{ status: 'failed', error: { message: 'boom', code: 'FAILED', retryable: false } }] });
    expect(state.steps.a?.status).toBe('failed');
    expect(state.steps.b?.status).toBe('succeeded');
    expect(state.steps.c?.status).toBe('skipped');
    expect(state.status).toBe('completed_with_failures');
  });
});
