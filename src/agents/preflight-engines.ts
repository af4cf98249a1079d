// The check the executor runs before a run starts: every model-backed step must have an engine that can run here.
// Builtin steps need none. Returns problems (empty = fine); the run must not start when there are any. When a
// background agent (daemon) will run the steps, "here" is the daemon: its PATH and its environment, as its status file
// records them, not the shell's that starts the run; a difference is named with what to do.

import type { ResolvedConfig } from '../config/resolve.js';
import type { EngineSpec } from '../engines/engine-spec.js';
import { findExecutable } from '../engines/find-executable.js';
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

/** What a live daemon's status file says of its environment (src/protocol/runner-status.ts). */
export interface DaemonView {
  pid: number;
  path?: string | undefined;
  engine_commands?: Record<string, string | null> | undefined;
  env_names?: string[] | undefined;
}

/**
 * Problems that would stop model-backed steps from running, one line each, naming the step and the options.
 * Unknown agents/actions are left to workflow validation (explainUnknownAction).
 * @param daemon the background agent that will run the steps, when one will (its view is checked too)
 */
export function preflightEngines(steps: readonly PreflightStep[], config: ResolvedConfig | undefined, env: NodeJS.ProcessEnv = process.env, daemon?: DaemonView): string[] {
  const problems: string[] = [];
  for (const step of steps) {
    const action = findAction(step.agent, step.action);
    if (action?.kind !== 'model') continue;
    const selection = selectEngine({ agent: action.agent, stepEngine: step.engine, config, env });
    const where = `step ${JSON.stringify(step.id ?? `${step.agent} ${step.action}`)} (${action.agent} ${action.name})`;
    if (!selection.ok) problems.push(`${where}: ${selection.problem}`);
    else {
      const difference = daemon === undefined ? undefined : daemonDifference(selection.spec, env, daemon);
      if (difference !== undefined) problems.push(`${where}: engine "${selection.spec.name}" cannot run in the background agent: ${difference}`);
    }
  }
  return [...new Set(problems)];
}

/** What the daemon lacks that this shell has for `spec`, or undefined (also when its status file predates the record). */
function daemonDifference(spec: EngineSpec, env: NodeJS.ProcessEnv, daemon: DaemonView): string | undefined {
  const restart = 'restart the daemon from this shell (tapps-agents background-agent stop, then tapps-agents background-agent start)';
  switch (spec.provider) {
    case 'manual':
      return undefined;
    case 'openai-compatible':
    case 'anthropic': {
      if (spec.apiKeyEnv === undefined || daemon.env_names === undefined || daemon.env_names.includes(spec.apiKeyEnv)) return undefined;
      return `${spec.apiKeyEnv} is set in your shell but not in the daemon's environment (pid ${daemon.pid}); ${restart}`;
    }
    default: {
      const command = spec.command ?? spec.provider;
      const recorded = daemon.engine_commands?.[command];
      const resolved = recorded !== undefined ? recorded : daemon.path === undefined ? undefined : (findExecutable(command, { PATH: daemon.path }) ?? null);
      if (resolved !== null) return undefined;
      const mine = findExecutable(command, env);
      return `"${command}" is on your PATH${mine === undefined ? '' : ` (${mine})`} but not on the daemon's (pid ${daemon.pid}); ${restart}`;
    }
  }
}
