// Reads a workflow file of either shape, validates it and compiles it to the model, reporting every problem at once
// with file:line:col (parse → schema → per-step compile → cross-step rules).

import path from 'node:path';
import { TappsError } from '../errors.js';
import { idProblem } from '../ids.js';
import { formatPath, formatProblem, sortProblems, type Problem } from '../config/problem.js';
import { checkAgainstSchema } from '../config/schema-check.js';
import { locate, problemAt, readYamlSource, type YamlSource } from '../config/yaml-source.js';
import { closestMatches } from '../text/closest-match.js';
import { compileWorktreeSettings } from '../worktree/worktree-settings.js';
import { findAction } from '../agents/registry.js';
import { subjectProblem } from '../agents/model/subject.js';
import { compileStep, type CompiledStep } from './compile-step.js';
import { dependencyMap, findCycles } from './dependencies.js';
import { expressionPaths, type Expression } from './expression.js';
import type { Step, Workflow } from './model.js';
import { NAMED_SOURCES, sourceStep } from './named-results.js';
import { substituteParams } from './param-references.js';
import { presetWorkflowSchema, singleStepSchema, workflowBodySchema, type StepInput, type WorkflowBodyInput } from './workflow-schema.js';

/** The outcome of validating a workflow file. */
export interface WorkflowLoadResult {
  /** The compiled workflow, when there are no errors. */
  workflow: Workflow | undefined;
  /** Errors and warnings in reading order. */
  problems: Problem[];
}

/** How a workflow is loaded. */
export interface LoadWorkflowOptions {
  /**
   * The run's `--param` values: `${params.NAME}` in steps takes them (over the workflow's `params:` defaults), and they
   * can give a model step its subject (e.g. `--param description=…`).
   */
  params?: Record<string, unknown>;
}

/** The original's `sequence:` shape: refused with what to change (it is not the same model: gates stand apart). */
const SEQUENCE_SHAPE =
  'the original\'s "sequence:" shape is not run as it is; rename "sequence:" to "steps:", each step\'s "step:" to "id:", "parameters:" to "params:", "output:" to "creates:", list earlier steps in "needs:" instead of "requires:", and move each top-level "gates:" entry into the step it checks as "gate:" (see docs/workflows.md, "The original\'s vocabulary")';

/** Reads and validates a workflow file. Never throws for bad input: problems are in the result. */
export async function loadWorkflow(file: string, options: LoadWorkflowOptions = {}): Promise<WorkflowLoadResult> {
  const absolutePath = path.resolve(file);
  const read = await readYamlSource(absolutePath);
  if (read.kind === 'missing') {
    return { workflow: undefined, problems: [{ severity: 'error', file: read.file, path: '', message: 'workflow file not found; check the path given to --workflow' }] };
  }
  if (read.kind === 'invalid') return { workflow: undefined, problems: read.problems };
  const raw = read.source.data;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { workflow: undefined, problems: [problemAt(read.source, [], 'expected a mapping with "id" and "steps" (or a "workflow:" mapping)')] };
  }
  const preset = 'workflow' in raw;
  const problems = [...read.problems];
  const sequenceAt = 'sequence' in raw && !('steps' in raw) ? ['sequence'] : preset && isMapping(raw.workflow) && 'sequence' in raw.workflow && !('steps' in raw.workflow) ? ['workflow', 'sequence'] : undefined;
  if (sequenceAt !== undefined) return { workflow: undefined, problems: [...problems, problemAt(read.source, sequenceAt, SEQUENCE_SHAPE, { atKey: true })] };
  const source: YamlSource = { ...read.source, data: substituteParams(read.source, preset, options.params ?? {}, problems) };
  const data = source.data as Record<string, unknown>;
  let body: WorkflowBodyInput | undefined;
  let metadataAuto: boolean | undefined;
  if (preset) {
    const checked = checkAgainstSchema(presetWorkflowSchema, source);
    problems.push(...checked.problems);
    body = checked.value?.workflow;
    metadataAuto = checked.value?.metadata?.auto_execution;
  } else {
    const checked = checkAgainstSchema(workflowBodySchema, source);
    problems.push(...checked.problems);
    body = checked.value;
  }
  // A bad top-level field (a missing id, a bad concurrency) must not hide the problems of the steps: they are checked
  // too, and the workflow is not returned because of the error already reported.
  body ??= stepsToCheck(preset ? (data).workflow : data);
  if (body === undefined) return { workflow: undefined, problems: sortProblems(problems) };
  const base = preset ? ['workflow'] : [];
  const workflow = compileWorkflow(body, base, source, problems, preset, metadataAuto);
  checkSubjects(workflow, { ...workflow.params, ...options.params }, base, source, problems);
  const errors = problems.some((problem) => problem.severity === 'error');
  return { workflow: errors ? undefined : workflow, problems: sortProblems(problems) };
}

/**
 * Loads a workflow and throws when it has errors.
 * @throws {TappsError} WORKFLOW_INVALID listing every error as file:line:col.
 */
export async function loadWorkflowOrThrow(file: string, options: LoadWorkflowOptions = {}): Promise<{ workflow: Workflow; warnings: Problem[] }> {
  const result = await loadWorkflow(file, options);
  if (result.workflow === undefined) {
    const errors = result.problems.filter((problem) => problem.severity === 'error');
    const noun = errors.length === 1 ? 'problem' : 'problems';
    throw new TappsError('WORKFLOW_INVALID', `Workflow is invalid (${errors.length} ${noun}):\n${errors.map(formatProblem).join('\n')}`, {
      details: { problems: result.problems },
    });
  }
  return { workflow: result.workflow, warnings: result.problems };
}

/**
 * Every model step must have a subject (what it is about): from its params, the run's params, the files of the steps
 * it depends on, or the workflow's description — else no prompt could say what to do, and the step is an error here.
 */
function checkSubjects(workflow: Workflow, runParams: Record<string, unknown>, base: readonly PropertyKey[], source: YamlSource, problems: Problem[]): void {
  const byId = new Map(workflow.steps.map((step) => [step.id, step]));
  for (const step of workflow.steps) {
    const invocation = step.invocation;
    const subject = invocation === undefined ? undefined : findAction(invocation.agent, invocation.action)?.subject;
    if (invocation === undefined || subject === undefined) continue;
    const hasInputs =
      step.requires.length > 0 ||
      step.dependsOn.some((id) => {
        const dep = byId.get(id);
        const named = dep?.invocation !== undefined && dep.invocation.agent !== 'shell' && Object.values(dep.invocation.params).some((value) => typeof value === 'string' && value !== '');
        return (dep?.creates.length ?? 0) > 0 || named;
      });
    const problem = subjectProblem(invocation.agent, invocation.action, subject, { params: invocation.params, runParams, hasInputs, workflow: { id: workflow.id, name: workflow.name, description: workflow.description } });
    if (problem === undefined) continue;
    const stepPath = [...base, 'steps', step.index];
    problems.push(problemAt(source, source.document.hasIn([...stepPath, 'params']) ? [...stepPath, 'params'] : stepPath, problem));
  }
}

/** What is left to check of a workflow body that failed its schema: its steps (and settings), when they are a list. */
function stepsToCheck(raw: unknown): WorkflowBodyInput | undefined {
  if (!isMapping(raw) || !Array.isArray(raw.steps) || raw.steps.length === 0) return undefined;
  return { id: typeof raw.id === 'string' ? raw.id : '', steps: raw.steps, ...(isMapping(raw.settings) ? { settings: raw.settings } : {}) };
}

/** A step as far as it could be checked: `omitted` keys failed the schema (already reported) and were left out. */
interface CheckedStep {
  input: StepInput;
  omitted: ReadonlySet<string>;
}

/**
 * Validates one step where it stands in the file and pushes its problems. When some of its fields are wrong, the step
 * is checked again without them, so the rest of it (its id, needs, condition, agent) is still compiled and checked.
 */
function checkStep(raw: unknown, index: number, preset: boolean, source: YamlSource, problems: Problem[]): CheckedStep | undefined {
  const check = (step: unknown) => {
    const steps = { [String(index)]: step };
    const checked = checkAgainstSchema(singleStepSchema(preset), { ...source, data: preset ? { workflow: { steps } } : { steps } });
    const value = checked.value as { steps?: Record<string, StepInput>; workflow?: { steps: Record<string, StepInput> } } | undefined;
    return { problems: checked.problems, input: (preset ? value?.workflow?.steps : value?.steps)?.[String(index)] };
  };
  const first = check(raw);
  problems.push(...first.problems);
  if (first.input !== undefined) return { input: first.input, omitted: new Set() };
  if (!isMapping(raw)) return undefined;
  const prefix = `${preset ? 'workflow.' : ''}steps.${index}.`;
  const omitted = new Set(first.problems.filter((problem) => problem.severity === 'error' && problem.path.startsWith(prefix)).map((problem) => problem.path.slice(prefix.length).split('.')[0] as string));
  if (omitted.size === 0) return undefined;
  const rest = check(Object.fromEntries(Object.entries(raw).filter(([key]) => !omitted.has(key))));
  return rest.input === undefined ? undefined : { input: rest.input, omitted };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileWorkflow(body: WorkflowBodyInput, base: string[], source: YamlSource, problems: Problem[], preset: boolean, presetAuto: boolean | undefined): Workflow {
  const compiled: CompiledStep[] = [];
  /** Also the duplicates, so their references are checked too. */
  const checked: CompiledStep[] = [];
  const firstIndex = new Map<string, number>();
  // The workflow id starts every run id, which names the run's directory: the same rule as every id (src/ids.ts).
  const idProblemText = body.id === '' ? undefined : idProblem('workflow id', body.id);
  if (idProblemText !== undefined) problems.push(problemAt(source, [...base, 'id'], idProblemText));
  const inputs = body.steps.map((raw, index) => checkStep(raw, index, preset, source, problems));
  inputs.forEach((checkedStep, index) => {
    if (checkedStep === undefined) return;
    const { input, omitted } = checkedStep;
    const stepProblems: Problem[] = [];
    const step = compileStep(input, index, [...base, 'steps', index], source, stepProblems);
    // A field left out because it was wrong is not reported again as missing ("agent: is required", "step has no id").
    const stepKey = formatPath([...base, 'steps', index]);
    const idOmitted = omitted.has('id') || omitted.has('step');
    problems.push(...stepProblems.filter((problem) => !(idOmitted && problem.path === stepKey) && ![...omitted].some((key) => problem.path === `${stepKey}.${key}` || problem.path.startsWith(`${stepKey}.${key}.`))));
    if (step !== undefined) checked.push(step);
    const id = step?.id ?? input.id;
    if (id !== undefined) {
      const first = firstIndex.get(id);
      if (first !== undefined) {
        const key = input.id === undefined ? 'step' : 'id';
        problems.push(problemAt(source, [...base, 'steps', index, key], `duplicate step id "${id}" (first used by step ${first + 1}); step ids must be unique`));
        return;
      }
      firstIndex.set(id, index);
    }
    if (step !== undefined) compiled.push(step);
  });

  const ids = [...firstIndex.keys()];
  const stepPath = (step: CompiledStep, ...key: PropertyKey[]) => [...base, 'steps', step.index, ...key];
  const unknownStep = (name: string) => {
    const suggestion = closestMatches(name, ids, 1)[0];
    return `unknown step "${name}"; ${suggestion === undefined ? `steps are: ${ids.join(', ')}` : `did you mean "${suggestion}"?`}`;
  };
  for (const step of checked) {
    step.needs.forEach((need, index) => {
      if (!firstIndex.has(need)) problems.push(problemAt(source, typeof inputs[step.index]?.input.needs === 'string' ? stepPath(step, 'needs') : stepPath(step, 'needs', index), unknownStep(need)));
      if (need === step.id) problems.push(problemAt(source, stepPath(step, 'needs'), 'a step cannot need itself'));
    });
    if (step.next !== undefined && !firstIndex.has(step.next)) problems.push(problemAt(source, stepPath(step, 'next'), unknownStep(step.next)));
    for (const [key, target] of [['on_pass', step.gate?.onPass], ['on_fail', step.gate?.onFail]] as const) {
      if (target?.kind === 'step' && !firstIndex.has(target.stepId)) {
        problems.push(problemAt(source, stepPath(step, 'gate', key), `${unknownStep(target.stepId)} (or use "next", "retry" or "fail")`));
      }
    }
    (inputs[step.index]?.input.optional_steps ?? []).forEach((name, index) => {
      if (!firstIndex.has(name)) problems.push(problemAt(source, stepPath(step, 'optional_steps', index), unknownStep(name)));
    });
    if (step.condition.kind === 'expression') checkPaths(step.condition.expression, stepPath(step, 'condition'), false, step);
    if (step.gate !== undefined) checkPaths(step.gate.expression, stepPath(step, 'gate', inputs[step.index]?.input.gate?.condition === undefined ? '' : 'condition'), true, step);
  }

  function checkPaths(expression: Expression, keyPath: PropertyKey[], inGate: boolean, reader: CompiledStep) {
    for (const field of expressionPaths(expression)) {
      const [root, stepId, part] = field.segments;
      const at = keyPath.filter((key) => key !== '');
      // The presets' named results (named-results.ts): bound to the latest source step at or before the reader.
      const named = root === undefined ? undefined : NAMED_SOURCES[root];
      if (named !== undefined && root !== 'steps' && root !== 'params') {
        if (stepId === undefined || !named.keys.includes(stepId)) problems.push(problemAt(source, at, `${field.text}: expected ${root}.<${named.keys.join('|')}>`));
        else if (sourceStep(root as string, checked as unknown as Step[], reader.index) === undefined) problems.push(problemAt(source, at, `${field.text}: no step to read it from; it needs ${named.needs} at or before step "${reader.id}"`));
        continue;
      }
      if (root !== undefined && root !== 'steps' && root !== 'params' && root !== 'outputs' && firstIndex.has(root)) {
        if (stepId !== 'status' || field.segments.length !== 2) problems.push(problemAt(source, at, `${field.text}: a step named by its id offers only ${root}.status (e.g. ${root}.status == "success"); use steps.${root}.outputs.<key> for the rest`));
        continue;
      }
      const roots = inGate ? '"steps", "params" or "outputs"' : '"steps" or "params"';
      if (root === 'params' && field.segments.length >= 2) continue;
      if (root === 'outputs' && inGate && field.segments.length >= 2) continue;
      if (root === 'steps' && stepId !== undefined) {
        if (!firstIndex.has(stepId)) problems.push(problemAt(source, keyPath.filter((key) => key !== ''), `${field.text}: ${unknownStep(stepId)}`));
        else if (part === undefined || !['status', 'outputs', 'attempt', 'error'].includes(part)) {
          problems.push(problemAt(source, keyPath.filter((key) => key !== ''), `${field.text}: expected steps.${stepId}.status, .outputs.<key>, .attempt or .error`));
        }
        continue;
      }
      problems.push(problemAt(source, keyPath.filter((key) => key !== ''), `${field.text}: an expression reads ${roots} fields, e.g. steps.<id>.status == "succeeded"`));
    }
  }

  const deps = dependencyMap(compiled);
  const reported = new Set<string>();
  for (const cycle of findCycles(deps)) {
    const key = [...new Set(cycle)].sort().join(',');
    if (reported.has(key)) continue;
    reported.add(key);
    const first = compiled.find((step) => step.id === cycle[0]) as CompiledStep;
    problems.push(problemAt(source, stepPath(first), `dependency cycle: ${cycle.join(' → ')}; a step cannot (indirectly) wait for itself (loops are written with gate on_fail)`));
  }

  const worktrees = compileWorktreeSettings(body.settings);
  for (const problem of worktrees.problems) problems.push(problemAt(source, [...base, 'settings', ...problem.path], problem.message));
  const steps: Step[] = compiled.map(({ explicitDependencies: _explicit, ...step }) => ({ ...step, dependsOn: deps.get(step.id) ?? [] }));
  const autoKey = preset && presetAuto === undefined ? [...base, 'metadata', 'auto_execution'] : ['metadata', 'auto_execution'];
  const autoValue = preset ? (presetAuto ?? body.metadata?.auto_execution) : body.metadata?.auto_execution;
  return {
    id: body.id,
    name: body.name ?? body.id,
    description: body.description ?? '',
    version: String(body.version ?? '1.0.0'),
    shape: preset ? 'preset' : 'seed',
    file: source.file,
    absolutePath: source.absolutePath,
    ...(autoValue === undefined ? {} : { autoExecution: { value: autoValue, ...locate(source, autoKey) } }),
    ...(body.concurrency === undefined ? {} : { concurrency: body.concurrency }),
    params: body.params ?? {},
    steps,
    ...(Object.keys(worktrees.settings).length === 0 ? {} : { worktrees: worktrees.settings }),
  };
}
