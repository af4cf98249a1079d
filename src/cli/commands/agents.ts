// `tapps-agents agents list [--json]`: the agents, their actions (with aliases, kind and parameters) and the engine
// each model-backed agent would use in this project.

import type { Command } from 'commander';
import { describeAgents } from '../../agents/describe-agents.js';
import { resolveConfig } from '../../config/resolve.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printJson, printLines } from '../output.js';

export async function agentsListCommand(options: { json?: boolean }, command: Command): Promise<number> {
  const config = await resolveConfig({ projectRoot: projectRootOf(command) });
  const agents = describeAgents({ config });
  if (options.json === true) {
    printJson({ agents });
    return EXIT.OK;
  }
  const rows: string[][] = [['agent', 'action', 'kind', 'aliases', 'parameters'].map(colour.bold)];
  for (const agent of agents) {
    for (const [index, action] of agent.actions.entries()) {
      const params = action.params.map((param) => (param.required ? `--${param.name.replaceAll('_', '-')}` : `[--${param.name.replaceAll('_', '-')}]`)).join(' ');
      rows.push([index === 0 ? agent.agent : '', action.name, action.kind, action.aliases.join(', '), params]);
    }
  }
  printLines(...columns(rows));
  const engines = agents.flatMap((agent) => (agent.engine === undefined ? [] : [[agent.agent, 'name' in agent.engine ? `${agent.engine.name} (${agent.engine.source})` : colour.warn('none available')]]));
  printLines('', colour.bold('Engines for model-backed actions:'), ...columns(engines));
  const problem = agents.find((agent) => agent.engine !== undefined && 'problem' in agent.engine)?.engine;
  if (problem !== undefined && 'problem' in problem) printLines('', colour.dim(problem.problem));
  return EXIT.OK;
}
