// What the run hands a transport for one attempt: the StepAttempt (correlation, directories, artifacts, timeout,
// environment) and the step's view of the run (docs/agents.md "Context between steps").

import path from 'node:path';
import type { ContextFile, StepRunContext } from '../agents/skill.js';
import { formatSkillCommand } from '../protocol/skill-command.js';
import type { StepAttempt } from '../transport/transport.js';
import type { ActiveRun } from './active-run.js';
import type { Step } from './model.js';
import { runSummaryOf } from './run-summary.js';

/** Which attempt of which step of which run: in the attempt, its audit records and its command file. */
export interface AttemptCorrelation {
  workflow_id: string;
  run_id: string;
  step_id: string;
  attempt: number;
}

/** The correlation of attempt `attempt` of `step`. */
export function attemptCorrelation(run: ActiveRun, step: Step, attempt: number): AttemptCorrelation {
  return { workflow_id: run.state.workflow_id, run_id: run.state.run_id, step_id: step.id, attempt };
}

/** The attempt `correlation` of `step` as its transport gets it, started at `createdAt`. */
export function stepAttempt(run: ActiveRun, step: Step, correlation: AttemptCorrelation, createdAt: string): StepAttempt {
  const { options, state } = run;
  const stepState = run.stepState(step.id);
  const invocation = step.invocation as NonNullable<Step['invocation']>;
  const stepEnv = { ...step.env, TAPPS_RUN_ID: state.run_id, TAPPS_STEP_ID: step.id, TAPPS_ATTEMPT: String(correlation.attempt), TAPPS_STEP_DIR: stepState.step_dir };
  return {
    correlation: { ...correlation, created_at: createdAt },
    invocation,
    stepDir: stepState.work_dir,
    protocolDir: path.resolve(stepState.work_dir) === path.resolve(options.projectRoot) ? stepState.step_dir : stepState.work_dir,
    expectedArtifacts: step.creates,
    inputs: Object.fromEntries(step.requires.map((file) => [file, path.resolve(stepState.work_dir, file)])),
    timeoutMs: step.timeoutMs ?? options.config.autoExecution.polling.timeoutMs,
    env: withVariables(run.environment, stepEnv),
    stepEnv,
    ...(step.engine === undefined ? {} : { engine: step.engine }),
    instructions: `Run step "${step.name}" of workflow "${state.workflow_name}": ${formatSkillCommand(invocation)}`,
    run: stepRunContext(run, step),
  };
}

/**
 * `{ ...base, ...extra }` (the same keys in the same order), built by assignment: spreading `extra` into a fresh copy
 * of the environment's ~40 variables took ~15 µs, Object.assign ~1.5 µs. Object.assign would set the prototype for
 * a variable named `__proto__`, so such an environment is spread.
 */
export function withVariables(base: Readonly<NodeJS.ProcessEnv>, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  if (Object.hasOwn(base, '__proto__') || Object.hasOwn(extra, '__proto__')) return { ...base, ...extra };
  return Object.assign({}, base, extra);
}

/**
 * What the run gives a step (docs/agents.md "Context between steps"): the workflow, the run's params, and the files
 * of the steps it depends on — the artifacts they wrote and the files their params named (the code a reviewer read).
 */
export function stepRunContext(run: ActiveRun, step: Step): StepRunContext {
  const { options, state } = run;
  const files: ContextFile[] = [];
  const seen = new Set<string>();
  const add = (file: string, from: string, role: ContextFile['role']) => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push({ path: file, step: from, role });
  };
  for (const id of step.dependsOn) {
    for (const artifact of state.steps[id]?.artifacts ?? []) add(artifact, id, 'wrote');
    const invocation = run.steps.get(id)?.invocation;
    // A shell step's params are a script, not file names.
    if (invocation === undefined || invocation.agent === 'shell') continue;
    for (const value of Object.values(invocation.params)) if (typeof value === 'string') add(value, id, 'read');
  }
  const budgetChars = step.contextBudget ?? options.config.agents.contextBudget;
  return {
    workflow: { name: options.workflow.name, description: options.workflow.description },
    params: state.params,
    files,
    ...(budgetChars === undefined ? {} : { budgetChars }),
    recordDir: run.stepState(step.id).step_dir,
    ...(step.overwrite === undefined ? {} : { overwrite: step.overwrite }),
    location: `${options.workflow.file}:${step.location.line}`,
    // Orchestrator steps report on the run: the executor hands them its state (written before this dispatch).
    ...(step.invocation?.agent === 'orchestrator' ? { summary: runSummaryOf(state) } : {}),
  };
}
