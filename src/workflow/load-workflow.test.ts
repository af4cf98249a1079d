import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { formatProblem } from '../config/problem.js';
import { loadWorkflow } from './load-workflow.js';

async function problemsOf(yaml: string): Promise<string[]> {
  const dir = await testdir({ 'wf.yaml': yaml });
  const result = await loadWorkflow(path.join(dir, 'wf.yaml'));
  return result.problems.map((problem) => formatProblem({ ...problem, file: 'wf.yaml' }));
}

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples');

describe('loadWorkflow', () => {
  it.each(['my-workflow.yaml', 'robust-workflow.yaml', 'conditional-workflow.yaml', 'offline-demo.yaml'])('accepts examples/%s', async (name) => {
    const result = await loadWorkflow(path.join(EXAMPLES, name));
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.workflow?.steps.length).toBeGreaterThan(0);
  });

  it('compiles the seed shape: ids from titles, target_file as an artifact, file order', async () => {
    const result = await loadWorkflow(path.join(EXAMPLES, 'my-workflow.yaml'));
    const [first, second] = result.workflow?.steps ?? [];
    expect(result.workflow?.shape).toBe('seed');
    expect(result.workflow?.autoExecution).toEqual({ value: true, line: 4, col: 19 });
    expect(first).toMatchObject({ id: 'gather-requirements', name: 'Gather Requirements', creates: ['requirements.md'], dependsOn: [] });
    expect(second).toMatchObject({ id: 'design-system', dependsOn: ['gather-requirements'], onError: 'fail', condition: { kind: 'default' } });
  });

  it('compiles the presets\' shape: requires/creates edges, next, metadata flags, gates', async () => {
    const dir = await testdir({
      'preset.yaml': `workflow:
  id: rapid
  name: Rapid
  version: "2.0"
  type: brownfield
  settings: { quality_gates: true }
  steps:
    - id: plan
      agent: shell
      action: run
      params: { script: "echo plan > plan.md" }
      creates: [plan.md]
      context_tier: 2
      consults: [architect]
      notes: first
    - id: build
      agent: shell
      action: run
      params: { script: "true" }
      requires: [plan.md]
      metadata: { error_recoverable: true }
      next: finalize
    - id: review
      run: "true"
      requires: [plan.md]
      metadata: { retry: { max_attempts: 5, initial_backoff_seconds: 2 } }
      scoring: { thresholds: { overall_min: 70 } }
      gate: { on_fail: build }
    - id: finalize
      agent: orchestrator
      action: finalize
      condition: required
`,
    });
    const result = await loadWorkflow(path.join(dir, 'preset.yaml'));
    expect(result.problems).toEqual([]);
    const steps = Object.fromEntries((result.workflow?.steps ?? []).map((step) => [step.id, step]));
    expect(result.workflow?.shape).toBe('preset');
    expect(steps.build).toMatchObject({ dependsOn: ['plan'], onError: 'continue' });
    expect(steps.review).toMatchObject({ dependsOn: ['plan'], onError: 'retry', retry: { maxAttempts: 5, initialDelayMs: 2000 } });
    expect(steps.review?.gate).toMatchObject({ text: 'outputs.score >= 70', onPass: { kind: 'next' }, onFail: { kind: 'step', stepId: 'build' }, maxIterations: 3 });
    expect(steps.finalize?.dependsOn).toEqual(['build']);
  });

  it('reports every problem at once with file:line:col and its exact message', async () => {
    expect(
      await problemsOf(`id: bad
steps:
  - step: One
    run: echo one
  - step: One
    run: echo hi
  - id: two
    agent: analist
    action: gather-requirements
  - id: three
    agent: reviewer
    action: reviewx
  - id: four
    run: echo
    needs: [nope]
    next: missing
  - id: five
    run: echo
    condition: steps.four.status = "failed"
  - id: six
    run: echo
    condition: steps.ghost.status == "failed"
  - id: seven
    run: echo
    gate:
      condition: outputs.score >= 70
      on_fail: nowhere
  - id: eight
  - id: nine
    run: echo
    timeout: fast
    on_error: explode
  - id: ten
    run: echo
    agent: shell
  - id: eleven
    run: echo
    condition: size > 3
    retyr: { max_attempts: 2 }
`),
    ).toEqual([
      'wf.yaml:5:11: steps.1.step: duplicate step id "one" (first used by step 1); step ids must be unique',
      'wf.yaml:8:12: steps.2.agent: unknown agent "analist"; did you mean "analyst"?',
      'wf.yaml:12:13: steps.3.action: unknown action "reviewx" for agent "reviewer"; did you mean "review"?',
      'wf.yaml:15:13: steps.4.needs.0: unknown step "nope"; did you mean "nine"?',
      'wf.yaml:16:11: steps.4.next: unknown step "missing"; steps are: one, two, three, four, five, six, seven, eight, nine, ten, eleven',
      'wf.yaml:19:34: steps.5.condition: cannot parse "steps.four.status = \\"failed\\"": "=" is not an operator; use "==" to compare (column 19 of the expression)',
      'wf.yaml:22:16: steps.6.condition: steps.ghost.status: unknown step "ghost"; steps are: one, two, three, four, five, six, seven, eight, nine, ten, eleven',
      'wf.yaml:27:16: steps.7.gate.on_fail: unknown step "nowhere"; steps are: one, two, three, four, five, six, seven, eight, nine, ten, eleven (or use "next", "retry" or "fail")',
      'wf.yaml:28:5: steps.8.agent: is required (or give "run:" for a shell step)',
      'wf.yaml:28:5: steps.8.action: is required',
      'wf.yaml:31:14: steps.9.timeout: expected a duration like "500ms", "5s" or "5m" (a bare number means seconds), got "fast"',
      'wf.yaml:32:15: steps.9.on_error: expected one of "fail", "continue", "retry", got "explode"',
      'wf.yaml:34:5: steps.10.run: give either "run:" or "agent:" with "action:", not both',
      'wf.yaml:38:16: steps.11.condition: size: an expression reads "steps" or "params" fields, e.g. steps.<id>.status == "succeeded"',
      'wf.yaml:39:5: warning: steps.11.retyr: unknown key "retyr" is ignored; did you mean "retry"?',
    ]);
  });

  it('checks the steps and the graph even when top-level fields or some fields of a step are wrong', async () => {
    expect(
      await problemsOf(`concurrency: 0
steps:
  - id: a
    agent: nobody
    action: go
    needs: [missing]
  - id: b
    run: echo b
    timeout: forever
    condition: steps.a.status ==
  - id: c
    run: echo c
    needs: [b]
  - id: c
    agent: 7
    action: run
  - id: d
    run: echo d
    needs: [e]
  - id: e
    run: echo e
    needs: [d]
`),
    ).toEqual([
      'wf.yaml:1:1: id: is required',
      'wf.yaml:1:14: concurrency: must be at least 1, got 0',
      'wf.yaml:4:12: steps.0.agent: unknown agent "nobody"; known agents: analyst, planner, architect, designer, implementer, reviewer, tester, debugger, documenter, ops, improver, enhancer, orchestrator, shell',
      'wf.yaml:6:13: steps.0.needs.0: unknown step "missing"; steps are: a, b, c, d, e',
      'wf.yaml:9:14: steps.1.timeout: expected a duration like "500ms", "5s" or "5m" (a bare number means seconds), got "forever"',
      'wf.yaml:10:33: steps.1.condition: cannot parse "steps.a.status ==": expected a value, a field like steps.<id>.status or "(" but found the end of the expression (column 18 of the expression)',
      'wf.yaml:14:9: steps.3.id: duplicate step id "c" (first used by step 3); step ids must be unique',
      'wf.yaml:15:12: steps.3.agent: expected a string, got 7',
      'wf.yaml:17:5: steps.4: dependency cycle: d → e → d; a step cannot (indirectly) wait for itself (loops are written with gate on_fail)',
    ]);
  });

  it('reports dependency cycles', async () => {
    expect(
      await problemsOf(`workflow:
  id: cyc
  steps:
    - id: a
      run: "true"
      needs: [c]
    - id: b
      run: "true"
      needs: [a]
    - id: c
      run: "true"
      needs: [b]
`),
    ).toEqual(['wf.yaml:4:7: workflow.steps.0: dependency cycle: a → b → c → a; a step cannot (indirectly) wait for itself (loops are written with gate on_fail)']);
  });

  it('reports YAML syntax errors, a missing id and empty steps', async () => {
    expect(await problemsOf('id: x\nsteps:\n  - step: [unclosed\n')).toEqual(['wf.yaml:4:1: Flow sequence in block collection must be sufficiently indented and end with a ]']);
    expect(await problemsOf('name: x\nsteps: []\n')).toEqual(['wf.yaml:1:1: id: is required', 'wf.yaml:2:8: steps: must not be empty']);
    expect(await problemsOf('id: x\nmetadata:\n  auto_execution: "yes"\nsteps:\n  - run: "true"\n    id: a\n')).toEqual(['wf.yaml:3:19: metadata.auto_execution: expected true or false, got "yes"']);
  });

  it('reports a missing file', async () => {
    const result = await loadWorkflow('/nonexistent/wf.yaml');
    expect(result.problems.map(formatProblem)).toEqual(['/nonexistent/wf.yaml: workflow file not found; check the path given to --workflow']);
  });
});

describe("the original's sequence: shape", () => {
  it.each([
    ['top level', 'id: discovery\nname: D\nsequence:\n  - step: scan\n    agent: analyst\n    action: analyze\n', 'wf.yaml:3:1'],
    ['under workflow:', 'workflow:\n  id: discovery\n  name: D\n  sequence:\n    - step: scan\n', 'wf.yaml:4:3'],
  ])('is refused at the key (%s) with the renames to make', async (_where, yaml, at) => {
    const problems = await problemsOf(yaml);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(
      `${at}: ${yaml.startsWith('workflow') ? 'workflow.' : ''}sequence: the original's "sequence:" shape is not run as it is; rename "sequence:" to "steps:", each step's "step:" to "id:", "parameters:" to "params:", "output:" to "creates:", list earlier steps in "needs:" instead of "requires:", and move each top-level "gates:" entry into the step it checks as "gate:" (see docs/workflows.md, "The original's vocabulary")`,
    );
  });
});
