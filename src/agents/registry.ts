// The registry of agents and their actions: lookup by name or alias (snake_case or kebab-case), with suggestions.

import { closestMatches } from '../text/closest-match.js';
import type { AnyAction } from './action.js';
import { shellRun } from './actions/shell.js';
import { normaliseAction } from './skill-command.js';

/** Every action shipped with tapps-agents. */
const ACTIONS: readonly AnyAction[] = [shellRun];

/** All registered actions, in registry order. */
export function listActions(): readonly AnyAction[] {
  return ACTIONS;
}

/** Agent names that have at least one action. */
export function listAgents(): string[] {
  return [...new Set(ACTIONS.map((action) => action.agent))];
}

/** The action `agent`/`action` (any spelling), or undefined. */
export function findAction(agent: string, action: string): AnyAction | undefined {
  const wanted = normaliseAction(action);
  return ACTIONS.find((candidate) => candidate.agent === agent.toLowerCase() && (candidate.name === wanted || (candidate.aliases ?? []).includes(wanted)));
}

/** Why `agent`/`action` is unknown, with the closest known names. */
export function explainUnknownAction(agent: string, action: string): string {
  const agents = listAgents();
  if (!agents.includes(agent.toLowerCase())) {
    const suggestions = closestMatches(agent, agents);
    return `unknown agent "${agent}"${suggestions.length > 0 ? `; did you mean ${suggestions.map((name) => `"${name}"`).join(' or ')}?` : `; known agents: ${agents.join(', ')}`}`;
  }
  const names = ACTIONS.filter((candidate) => candidate.agent === agent.toLowerCase()).flatMap((candidate) => [candidate.name, ...(candidate.aliases ?? [])]);
  const suggestions = closestMatches(normaliseAction(action), names);
  return `unknown action "${action}" for agent "${agent}"${suggestions.length > 0 ? `; did you mean ${suggestions.map((name) => `"${name}"`).join(' or ')}?` : `; its actions: ${names.join(', ')}`}`;
}
