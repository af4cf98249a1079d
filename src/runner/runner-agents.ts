// What a runner serves, read from the configuration: its enabled agents (the default one when none is configured),
// how many steps it runs at once, whether skills run in its process, and — for a daemon — what it publishes of its
// environment.

import { DEFAULTS } from '../config/defaults.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { engineCommands, resolveEngineCommands } from '../engines/engine-commands.js';
import type { RunnerStatus } from '../protocol/runner-status.js';
import { agentTimeoutMs, type AgentCommands } from './run-claimed.js';
import { compileWatchPaths, type WatchPlan } from './watch-paths.js';

/** One agent of `.cursor/background-agents.yaml`, compiled. */
export interface RunnerAgent extends AgentCommands {
  plan: WatchPlan;
}

/** A runner's part of the configuration. */
export interface RunnerSetup {
  agents: RunnerAgent[];
  maxParallel: number;
  inProcess: boolean;
  /** What a daemon publishes of its environment (its PATH, the engine CLIs on it, variable names). */
  environmentView: Pick<RunnerStatus, 'path' | 'engine_commands' | 'env_names'>;
}

/** The setup of a runner over `projectRoot`; an embedded runner publishes no environment. */
export function runnerSetup(projectRoot: string, config: ResolvedConfig, embedded: boolean): RunnerSetup {
  const file = config.backgroundAgents;
  const fallbackSeconds = DEFAULTS.backgroundAgent.timeoutSeconds;
  const configured = (file?.agents ?? []).filter((agent) => agent.enabled);
  const agents = (
    configured.length > 0
      ? configured
      : [{ name: DEFAULTS.backgroundAgent.name, commands: [DEFAULTS.backgroundAgent.command], watch_paths: [...DEFAULTS.backgroundAgent.watchPaths], environment: [], timeout_seconds: fallbackSeconds, working_directory: undefined }]
  ).map((agent) => ({
    name: agent.name,
    commands: agent.commands,
    timeoutMs: agentTimeoutMs(agent.timeout_seconds ?? file?.global.timeout_seconds, fallbackSeconds),
    environment: agent.environment,
    ...(agent.working_directory === undefined ? {} : { workingDirectory: agent.working_directory }),
    plan: compileWatchPaths(projectRoot, agent.watch_paths ?? []),
  }));
  // A daemon's steps see its environment (and its agents' `environment:`), not the shell's that runs
  // `workflow execute`: it publishes what it has for the pre-run engine check.
  let environmentView: RunnerSetup['environmentView'] = {};
  if (!embedded) {
    const agentNames = agents.flatMap((agent) => agent.environment.map((entry) => entry.slice(0, entry.indexOf('='))));
    environmentView = { path: process.env.PATH ?? '', engine_commands: resolveEngineCommands(engineCommands(config), process.env), env_names: [...new Set([...Object.keys(process.env), ...agentNames])].sort() };
  }
  return { agents, maxParallel: file?.global.max_parallel_agents ?? DEFAULTS.backgroundAgent.maxParallelAgents, inProcess: file?.global.in_process ?? true, environmentView };
}
