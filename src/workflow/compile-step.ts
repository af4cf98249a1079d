// Compiles one validated step of either shape to the model, reporting what is wrong with it at file:line:col.

import nodePath from 'node:path';
import { idProblem } from '../ids.js';
import { isScalar, Scalar } from 'yaml';
import { explainUnknownAction, findAction, listAgents } from '../agents/registry.js';
import { formatProblemsOfZod } from '../agents/params-error.js';
import { normaliseAction } from '../protocol/skill-command.js';
import type { SkillInvocation } from '../protocol/skill-command.js';
import { parseDuration } from '../config/duration.js';
import type { Problem } from '../config/problem.js';
import { locate, problemAt, type YamlSource } from '../config/yaml-source.js';
import { ExpressionSyntaxError, parseExpression, type Expression } from './expression.js';
import type { GraphStep } from './dependencies.js';
import type { Gate, GateTarget, OnError, RetryOverride, Step, StepCondition } from './model.js';
import { SCORED_METRICS, thresholdMetric } from './named-results.js';
import type { StepInput } from './workflow-schema.js';

/** A step compiled as far as one step allows; `dependsOn` is filled in once all steps are known. */
export type CompiledStep = Omit<Step, 'dependsOn'> & GraphStep;

/** The title of a seed step as an id: "Gather Requirements" → "gather-requirements". */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** True when `file` is a relative path that stays inside the directory it is resolved against. */
function isInsideProject(file: string): boolean {
  if (nodePath.isAbsolute(file) || nodePath.win32.isAbsolute(file)) return false;
  const normalised = nodePath.posix.normalize(file.replaceAll('\\', '/'));
  return normalised !== '..' && !normalised.startsWith('../');
}

/**
 * Compiles `input` (the step at `path` in `source`) and pushes its problems. It returns the step whenever it has an id,
 * even with problems, so the cross-step checks (needs, cycles, conditions) still run on it; the caller decides by the
 * problems whether the workflow is usable.
 */
export function compileStep(input: StepInput, index: number, path: readonly PropertyKey[], source: YamlSource, problems: Problem[]): CompiledStep | undefined {
  const at = (key: readonly PropertyKey[], message: string, options: { atKey?: boolean } = {}) => problems.push(problemAt(source, [...path, ...key], message, options));

  const id = input.id ?? (input.step === undefined ? undefined : slugify(input.step));
  if (id === undefined || id === '') {
    at([], input.step === undefined ? 'step has no id: give it "id:" (presets) or "step:" (a title)' : `step title ${JSON.stringify(input.step)} has no letters or digits to make an id from; add "id:"`);
  } else {
    // A step id names its directory, approval file and branch: one rule for every id (src/ids.ts).
    const problem = idProblem('step id', id);
    if (problem !== undefined) at([input.id === undefined ? 'step' : 'id'], input.id === undefined ? `the id made from this title: ${problem}; add a shorter "id:"` : problem);
  }

  let invocation: SkillInvocation | undefined;
  // What the action says it writes for these params (e.g. a model action's target_file, the reviewer's reports).
  let actionArtifacts: string[] = [];
  if (input.run !== undefined) {
    if (input.agent !== undefined || input.action !== undefined) at(['run'], 'give either "run:" or "agent:" with "action:", not both', { atKey: true });
    else invocation = { agent: 'shell', action: 'run', params: { script: input.run } };
  } else if (input.approval === undefined || input.agent !== undefined || input.action !== undefined) {
    if (input.agent === undefined) at(['agent'], 'is required (or give "run:" for a shell step)');
    if (input.action === undefined) at(['action'], 'is required');
    if (input.agent !== undefined && input.action !== undefined) {
      const action = findAction(input.agent, input.action);
      if (action === undefined) at([listAgents().includes(input.agent.toLowerCase()) ? 'action' : 'agent'], explainUnknownAction(input.agent, input.action));
      else {
        const params = action.params.safeParse(input.params ?? {});
        if (!params.success) at(['params'], `invalid parameters for ${input.agent} ${action.name}: ${formatProblemsOfZod(params.error)}`);
        else actionArtifacts = action.artifacts?.(params.data) ?? [];
        invocation = { agent: input.agent.toLowerCase(), action: normaliseAction(input.action), params: input.params ?? {} };
      }
    }
  }
  if (input.overwrite !== undefined && (invocation === undefined || findAction(invocation.agent, invocation.action)?.kind !== 'model')) {
    at(['overwrite'], 'applies only to model-backed steps (they write a target file); builtin steps write their own reports', { atKey: true });
  }
  if (input.approval !== undefined && invocation !== undefined) at(['approval'], 'an approval step waits for a person; it cannot also run "agent:"/"run:"', { atKey: true });

  const list = (value: string | string[] | undefined) => (value === undefined ? [] : typeof value === 'string' ? [value] : value);
  for (const key of ['creates', 'requires'] as const) {
    const value = input[key];
    // Artifacts are files of the project: an absolute path or ".." would let a step read or claim files outside it.
    list(value).forEach((file, position) => {
      if (!isInsideProject(file)) at(typeof value === 'string' ? [key] : [key, position], `must stay inside the project (no absolute paths or ".."), got ${JSON.stringify(file)}`);
    });
  }
  const creates = [...new Set([...list(input.creates), ...actionArtifacts])];
  const condition = compileCondition(input.condition, [...path, 'condition'], source, problems);
  const gate = compileGate(input, [...path, 'gate'], source, problems);
  const thresholds = compileThresholds(input, path, source, problems);

  const onError: OnError =
    input.on_error ??
    (input.metadata?.skip_on_fail === true || input.metadata?.error_recoverable === true || input.condition === 'optional'
      ? 'continue'
      : input.metadata?.retry !== undefined && input.retry === undefined
        ? 'retry'
        : 'fail');
  const retryInput = input.retry ?? input.metadata?.retry;
  const timeoutMs = input.timeout === undefined ? undefined : parseDuration(input.timeout);
  const approvalInput = input.approval === true ? {} : input.approval;
  const approvalTimeout = approvalInput?.timeout === undefined ? undefined : parseDuration(approvalInput.timeout);

  if (id === undefined || id === '') return undefined;
  const position = locate(source, path);
  return {
    id,
    name: input.step ?? input.name ?? id,
    index,
    ...(invocation === undefined ? {} : { invocation }),
    ...(approvalInput === undefined
      ? {}
      : { approval: { prompt: approvalInput.prompt ?? `Approve step "${input.step ?? id}"?`, ...(approvalTimeout === undefined ? {} : { timeoutMs: approvalTimeout }) } }),
    needs: list(input.needs),
    requires: list(input.requires),
    creates,
    ...(input.next === undefined ? {} : { next: input.next }),
    explicitDependencies: input.needs !== undefined || input.requires !== undefined,
    condition,
    onError,
    ...(retryInput === undefined ? {} : { retry: compileRetry(retryInput) }),
    ...(gate === undefined ? {} : { gate }),
    ...(thresholds === undefined ? {} : { thresholds }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    env: Object.fromEntries(Object.entries(input.env ?? {}).map(([key, value]) => [key, String(value)])),
    ...(input.engine === undefined ? {} : { engine: input.engine }),
    ...(input.concurrency === undefined ? {} : { concurrencyGroup: input.concurrency }),
    ...(input.merge === undefined ? {} : { merge: input.merge }),
    ...(input.overwrite === undefined ? {} : { overwrite: input.overwrite }),
    ...(input.context_budget === undefined ? {} : { contextBudget: input.context_budget }),
    location: position,
  };
}

function compileRetry(input: NonNullable<StepInput['retry']>): RetryOverride {
  const ms = (value: number | string | undefined) => (value === undefined ? undefined : parseDuration(value));
  const initial = ms(input.initial_delay_seconds ?? input.initial_delay ?? input.initial_backoff_seconds);
  const max = ms(input.max_delay_seconds ?? input.max_backoff_seconds);
  return {
    ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
    ...(input.max_attempts === undefined ? {} : { maxAttempts: input.max_attempts }),
    ...(initial === undefined ? {} : { initialDelayMs: initial }),
    ...(input.backoff_multiplier === undefined ? {} : { backoffMultiplier: input.backoff_multiplier }),
    ...(max === undefined ? {} : { maxDelayMs: max }),
  };
}

const KEYWORDS: Record<string, StepCondition> = {
  prerequisites_met: { kind: 'prerequisites_met' },
  always: { kind: 'always' },
  on_failure: { kind: 'on_failure' },
  required: { kind: 'default' },
  optional: { kind: 'default' },
  conditional: { kind: 'prerequisites_met' },
};

function compileCondition(text: string | undefined, path: readonly PropertyKey[], source: YamlSource, problems: Problem[]): StepCondition {
  if (text === undefined) return { kind: 'default' };
  const keyword = KEYWORDS[text.trim()];
  if (keyword !== undefined) return keyword;
  const expression = parseAt(text, path, source, problems);
  return expression === undefined ? { kind: 'default' } : { kind: 'expression', text, expression };
}

/** Parses an expression, reporting a syntax error at the exact column inside the YAML value. */
export function parseAt(text: string, path: readonly PropertyKey[], source: YamlSource, problems: Problem[]): Expression | undefined {
  try {
    return parseExpression(text);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    const { line, col } = locate(source, path);
    const node = source.document.getIn(path as unknown[], true);
    const oneLine = !text.includes('\n');
    const quote = isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) ? 1 : 0;
    const plain = isScalar(node) && (node.type === Scalar.PLAIN || quote === 1);
    problems.push({
      severity: 'error',
      file: source.file,
      line,
      col: plain && oneLine ? col + quote + error.column - 1 : col,
      path: path.map(String).join('.'),
      // A condition of thousands of terms is shown by its start, not in full.
      message: `cannot parse ${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)}: ${error.message} (column ${error.column} of the expression)`,
    });
    return undefined;
  }
}

function compileGate(input: StepInput, path: readonly PropertyKey[], source: YamlSource, problems: Problem[]): Gate | undefined {
  const gate = input.gate;
  if (gate === undefined) return undefined;
  const thresholds = input.scoring?.thresholds ?? input.metadata?.scoring?.thresholds;
  const minimum = thresholds?.overall_min ?? thresholds?.overall ?? thresholds?.min_score;
  let text = gate.condition;
  const others = Object.keys(thresholds ?? {}).some((key) => !['overall_min', 'overall', 'min_score'].includes(key));
  if (text === undefined && others) text = 'scoring.passed';
  else if (text === undefined && minimum !== undefined) text = `outputs.score >= ${minimum}`;
  if (text === undefined) {
    problems.push(problemAt(source, path, 'needs "condition:" (or scoring.thresholds.overall_min) to decide on_pass/on_fail'));
    return undefined;
  }
  const expression = gate.condition === undefined ? parseExpression(text) : parseAt(text, [...path, 'condition'], source, problems);
  if (expression === undefined) return undefined;
  return {
    text,
    expression,
    onPass: gateTarget(gate.on_pass ?? 'next'),
    onFail: gateTarget(gate.on_fail ?? (gate.retry_on_fail === true ? 'retry' : 'fail')),
    maxIterations: gate.max_iterations ?? 3,
  };
}

/**
 * The step's score thresholds by metric. A threshold on a metric the builtin reviewer does not measure (security,
 * test coverage, …) is an error, never a silent pass; a value off its scale (overall 0–100, others 0–10) too.
 */
function compileThresholds(input: StepInput, path: readonly PropertyKey[], source: YamlSource, problems: Problem[]): Record<string, number> | undefined {
  const where = input.scoring?.thresholds === undefined ? ['metadata', 'scoring', 'thresholds'] : ['scoring', 'thresholds'];
  const given = input.scoring?.thresholds ?? input.metadata?.scoring?.thresholds;
  if (given === undefined) return undefined;
  const thresholds: Record<string, number> = {};
  for (const [key, value] of Object.entries(given)) {
    const metric = thresholdMetric(key);
    if (metric === undefined) {
      const name = key.replace(/_min$/, '');
      problems.push(problemAt(source, [...path, ...where, key], `the builtin reviewer does not measure "${name}" (it measures ${Object.keys(SCORED_METRICS).join(', ')}); remove ${key}, or gate on another result (e.g. security_scan.passed from an ops audit-deps step)`, { atKey: true }));
      continue;
    }
    const max = (SCORED_METRICS[metric] as { max: number }).max;
    if (value < 0 || value > max) {
      problems.push(problemAt(source, [...path, ...where, key], `${key} is on the ${metric === 'overall' ? 'overall score\'s 0–100' : '0–10'} scale, got ${value}`));
      continue;
    }
    thresholds[metric] = value;
  }
  return thresholds;
}

function gateTarget(text: string): GateTarget {
  if (text === 'next' || text === 'retry' || text === 'fail') return { kind: text };
  if (text === 'abort') return { kind: 'fail' };
  return { kind: 'step', stepId: text };
}
