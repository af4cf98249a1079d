// The background agent a queue worker runs step jobs with: the first enabled agent of its own
// .cursor/background-agents.yaml (its commands, environment, working directory, timeout), or the built-in default
// when the file has none — what the file runner does for a command handed over in-process.

import { DEFAULTS } from '../config/defaults.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { agentTimeoutMs, type AgentCommands } from '../runner/run-claimed.js';

/** The agent, whether the built-in command runs in-process, and the worker's step slots. */
export interface WorkerAgent {
  agent: AgentCommands;
  inProcess: boolean;
  maxParallel: number;
}

/** The worker's agent from its configuration. */
export function workerAgentOf(config: ResolvedConfig): WorkerAgent {
  const file = config.backgroundAgents;
  const fallbackSeconds = DEFAULTS.backgroundAgent.timeoutSeconds;
  const configured = (file?.agents ?? []).find((agent) => agent.enabled);
  const agent: AgentCommands =
    configured === undefined
      ? { name: DEFAULTS.backgroundAgent.name, commands: [DEFAULTS.backgroundAgent.command], environment: [], timeoutMs: agentTimeoutMs(file?.global.timeout_seconds, fallbackSeconds) }
      : {
          name: configured.name,
          commands: configured.commands,
          environment: configured.environment,
          timeoutMs: agentTimeoutMs(configured.timeout_seconds ?? file?.global.timeout_seconds, fallbackSeconds),
          ...(configured.working_directory === undefined ? {} : { workingDirectory: configured.working_directory }),
        };
  return { agent, inProcess: file?.global.in_process ?? true, maxParallel: file?.global.max_parallel_agents ?? DEFAULTS.backgroundAgent.maxParallelAgents };
}
