// What `tapps-agents agents list` reports: every agent, its actions (names, aliases, kind, parameters, artifacts)
// and, for model-backed agents, the engine selection would pick in this project.

import { z } from 'zod';
import type { ResolvedConfig } from '../config/resolve.js';
import { selectEngine } from '../engines/select-engine.js';
import { listActions, listAgents } from './registry.js';

/** One parameter of an action. */
export interface ParamDescription {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

/** One action of an agent. */
export interface ActionDescription {
  name: string;
  aliases: string[];
  kind: 'builtin' | 'model';
  description: string;
  params: ParamDescription[];
}

/** One agent. */
export interface AgentDescription {
  agent: string;
  actions: ActionDescription[];
  /** For agents with model-backed actions: the engine that would run them here, or why none can. */
  engine?: { name: string; source: string } | { problem: string };
}

/** Describes every agent; with `config`/`env`, also which engine its model-backed actions would use. */
export function describeAgents(options: { config?: ResolvedConfig; env?: NodeJS.ProcessEnv } = {}): AgentDescription[] {
  return listAgents().map((agent) => {
    const actions = listActions().filter((action) => action.agent === agent);
    const description: AgentDescription = {
      agent,
      actions: actions.map((action) => ({ name: action.name, aliases: [...(action.aliases ?? [])], kind: action.kind, description: action.description, params: describeParams(action.params) })),
    };
    if (actions.some((action) => action.kind === 'model')) {
      const selection = selectEngine({ agent, config: options.config, env: options.env ?? process.env });
      description.engine = selection.ok ? { name: selection.spec.name, source: selection.source } : { problem: selection.problem };
    }
    return description;
  });
}

function describeParams(schema: z.ZodType): ParamDescription[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {})
    .filter(([name]) => name !== '_')
    .map(([name, property]) => ({
      name,
      type: typeName(property),
      required: (json.required ?? []).includes(name),
      ...('default' in property ? { default: property.default } : {}),
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
    }));
}

function typeName(property: Record<string, unknown>): string {
  if (Array.isArray(property.enum)) return property.enum.map((value) => JSON.stringify(value)).join('|');
  if (property.type === 'array') return `${typeName((property.items ?? {}) as Record<string, unknown>)}[]`;
  if (typeof property.type === 'string') return property.type === 'integer' ? 'integer' : property.type;
  return 'any';
}
