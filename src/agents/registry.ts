// The registry of agents and their actions: lookup by name or alias (snake_case or kebab-case), with suggestions.

import { closestMatches } from '../text/closest-match.js';
import type { AnyAction } from './action.js';
import { aggregateResults } from './actions/aggregate-results.js';
import { auditDeps } from './actions/audit-deps.js';
import { checkPrerequisites } from './actions/check-prerequisites.js';
import { finalize } from './actions/finalize.js';
import { injectContext } from './actions/inject-context.js';
import { MODEL_ACTIONS } from './actions/model-actions.js';
import { lintCode, reviewCode, scoreCode } from './actions/reviewer.js';
import { runTests } from './actions/run-tests.js';
import { shellRun } from './actions/shell.js';
import { normaliseAction } from '../protocol/skill-command.js';

/** The agents, in the order PRODUCT.md §5 lists them. */
export const AGENT_ORDER = ['analyst', 'planner', 'architect', 'designer', 'implementer', 'reviewer', 'tester', 'debugger', 'documenter', 'ops', 'improver', 'enhancer', 'orchestrator', 'shell'] as const;

/** Every action shipped with tapps-agents. */
const ACTIONS: readonly AnyAction[] = [
  ...MODEL_ACTIONS,
  checkPrerequisites as AnyAction,
  reviewCode as AnyAction,
  scoreCode as AnyAction,
  lintCode as AnyAction,
  runTests as AnyAction,
  auditDeps as AnyAction,
  finalize as AnyAction,
  aggregateResults as AnyAction,
  injectContext as AnyAction,
  shellRun as AnyAction,
].sort((a, b) => agentRank(a.agent) - agentRank(b.agent));

function agentRank(agent: string): number {
  return (AGENT_ORDER as readonly string[]).indexOf(agent);
}

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
