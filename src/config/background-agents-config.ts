// `.cursor/background-agents.yaml`: which background agents exist, what they run and which command files they watch.

import path from 'node:path';
import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { durationSchema } from './duration-schema.js';
import type { ConfigRule } from './config-file.js';
import type { Problem } from './problem.js';
import { problemAt } from './yaml-source.js';

const nonEmptyList = (description: string) => z.array(z.string().min(1)).min(1).describe(description);

export const backgroundAgentSchema = z
  .strictObject({
    name: z.string().min(1).describe('Agent name, shown in status and logs.'),
    type: z.literal('background').describe('Must be "background".'),
    description: z.string().optional().describe('What this agent is for.'),
    commands: nonEmptyList('Commands run, in order, for each command file; {command_file_path} is replaced by its path (as one argument).'),
    watch_paths: nonEmptyList('Command files to pick up: a name without "/" matches in every step directory; a path with "/" is relative to the project root.').optional(),
    triggers: z.array(z.string().min(1)).optional().describe('Phrases that describe when the agent applies (informational).'),
    enabled: z.boolean().default(true).describe('Disabled agents are ignored.'),
    timeout_seconds: durationSchema().default(DEFAULTS.backgroundAgent.timeoutSeconds).describe('Longest one command may run.'),
    retry_count: z.int().min(0).default(0).describe('Extra tries of a failing command.'),
    environment: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/, 'must look like KEY=VALUE'))
      .default([])
      .describe('Extra environment variables, as KEY=VALUE.'),
    working_directory: z.string().min(1).optional().describe('Directory the commands run in; ${PROJECT_ROOT} is the project root.'),
    context7_cache: z.string().optional().describe('Kept for compatibility with the original template; unused.'),
    output: z
      .strictObject({
        format: z.enum(['json', 'yaml', 'markdown', 'text']).optional(),
        location: z.string().min(1).optional(),
        delivery: z.array(z.string().min(1)).optional(),
      })
      .optional()
      .describe('Where reports go.'),
  })
  .describe('One background agent.');

export const backgroundAgentsConfigSchema = z
  .strictObject({
    agents: z.array(backgroundAgentSchema).min(1).describe('The background agents.'),
    global: z
      .strictObject({
        max_parallel_agents: z.int().min(1).max(256).default(DEFAULTS.backgroundAgent.maxParallelAgents).describe('Most commands a runner executes at once.'),
        timeout_seconds: durationSchema().optional().describe('Default timeout for agents that set none.'),
        in_process: z
          .boolean()
          .default(true)
          .describe('Run the built-in "tapps-agents workflow execute-skill-command" inside the runner (fast); false starts a separate process per step.'),
        output_directory: z.string().min(1).optional(),
        worktree_base: z.string().min(1).optional(),
        progress_reporting: z.boolean().optional(),
        result_delivery: z.array(z.string().min(1)).optional(),
        context7_cache: z.string().optional(),
      })
      .prefault({})
      .describe('Settings shared by all agents.'),
  })
  .describe('tapps-agents background agents (.cursor/background-agents.yaml)');

export type BackgroundAgentsConfigFile = z.output<typeof backgroundAgentsConfigSchema>;

export const backgroundAgentsConfigRules: readonly ConfigRule<BackgroundAgentsConfigFile>[] = [
  function watchPathsOrTriggers({ agents }, source) {
    return agents.flatMap((agent, index): Problem[] =>
      (agent.watch_paths?.length ?? 0) > 0 || (agent.triggers?.length ?? 0) > 0
        ? []
        : [problemAt(source, ['agents', index], 'needs watch_paths (or triggers): without them the agent never picks up a command file')],
    );
  },
  function watchPathsInsideProject({ agents }, source) {
    return agents.flatMap((agent, index) =>
      (agent.watch_paths ?? []).flatMap((pattern, item): Problem[] =>
        path.isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')
          ? [problemAt(source, ['agents', index, 'watch_paths', item], `must stay inside the project (no absolute paths or ".."), got ${JSON.stringify(pattern)}`)]
          : [],
      ),
    );
  },
  function uniqueNames({ agents }, source) {
    const seen = new Set<string>();
    return agents.flatMap((agent, index): Problem[] => {
      if (!seen.has(agent.name)) {
        seen.add(agent.name);
        return [];
      }
      return [problemAt(source, ['agents', index, 'name'], `duplicate agent name ${JSON.stringify(agent.name)}; status and logs could not tell them apart`, { severity: 'warning' })];
    });
  },
  function someAgentEnabled({ agents }, source) {
    return agents.some((agent) => agent.enabled)
      ? []
      : [problemAt(source, ['agents'], 'every agent is disabled: no command file will be picked up', { severity: 'warning' })];
  },
];
