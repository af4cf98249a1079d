// The check the executor runs before a run starts: every model-backed step must have an engine that can run here.
// Builtin steps need none. Returns problems (empty = fine); the run must not start when there are any.

import type { ResolvedConfig } from '../config/resolve.js';
import { selectEngine } from '../engines/select-engine.js';
import { findAction } from './registry.js';

/** One step as the preflight sees it. */
export interface PreflightStep {
  /** For messages; the step's id or name. */
  id?: string;
  agent: string;
  action: string;
  /** The step's `engine:`. */
  engine?: string | undefined;
}

/**
 * Problems that would stop model-backed steps from running, one line each, naming the step and the options.
 * Unknown agents/actions are left to workflow validation (explainUnknownAction).
 */
export function preflightEngines(steps: readonly PreflightStep[], config: ResolvedConfig | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  for (const step of steps) {
    const action = findAction(step.agent, step.action);
    if (action?.kind !== 'model') continue;
    const selection = selectEngine({ agent: action.agent, stepEngine: step.engine, config, env });
    if (!selection.ok) problems.push(`step ${JSON.stringify(step.id ?? `${step.agent} ${step.action}`)} (${action.agent} ${action.name}): ${selection.problem}`);
  }
  return [...new Set(problems)];
}
