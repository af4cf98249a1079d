// Which engine runs a model-backed step: step `engine` > `agents.<agent>.engine` > `agents.default_engine` >
// auto-detection (an API key in the environment, then a coding-agent CLI on PATH). Also the preflight check the
// executor runs before a run starts, so a run never begins with a model step that nothing can execute.

import type { ResolvedConfig } from '../config/resolve.js';
import { closestMatches } from '../text/closest-match.js';
import { AUTO_DETECT_ORDER, ENGINE_PRESETS, engineSpecNamed, knownEngineNames, type EngineSpec } from './engine-spec.js';
import { findExecutable } from './find-executable.js';
import { isModuleInstalled, reinstallHint } from './provider-module.js';
import { resolveEndpoint } from './provider-endpoint.js';

/** The npm package each AI SDK provider needs. */
export const PROVIDER_PACKAGES = { 'openai-compatible': '@ai-sdk/openai-compatible', anthropic: '@ai-sdk/anthropic' } as const;

/** Where a selection came from, for messages. */
export type EngineChoiceSource = 'step' | 'agent-config' | 'default-engine' | 'auto-detect';

export type EngineSelection = { ok: true; spec: EngineSpec; source: EngineChoiceSource } | { ok: false; problem: string };

/** What selection looks at. */
export interface SelectEngineInput {
  agent: string;
  /** The step's `engine:` (SkillContext.engine). */
  stepEngine?: string | undefined;
  config?: ResolvedConfig | undefined;
  env: NodeJS.ProcessEnv;
}

/** Picks and checks the engine for one model-backed step. */
export function selectEngine(input: SelectEngineInput): EngineSelection {
  const agentEngine = input.config?.agents.byAgent[input.agent]?.engine;
  const defaultEngine = input.config?.agents.defaultEngine;
  const [name, source, origin]: [string | undefined, EngineChoiceSource, string] =
    input.stepEngine !== undefined
      ? [input.stepEngine, 'step', 'the step\'s "engine"']
      : agentEngine !== undefined && agentEngine !== 'auto'
        ? [agentEngine, 'agent-config', `agents.${input.agent}.engine in .tapps-agents/config.yaml`]
        : defaultEngine !== undefined && defaultEngine !== 'auto'
          ? [defaultEngine, 'default-engine', 'agents.default_engine in .tapps-agents/config.yaml']
          : [undefined, 'auto-detect', 'auto-detection'];
  if (name === undefined || name === 'auto') return autoDetect(input);
  const spec = engineSpecNamed(name, input.config);
  if (spec === undefined) {
    const known = knownEngineNames(input.config);
    const suggestions = closestMatches(name, known);
    return {
      ok: false,
      problem: `unknown engine "${name}" (from ${origin})${suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : ''}; known engines: ${known.join(', ')}`,
    };
  }
  const chosen = withAgentModel(spec, input);
  const unavailable = whyUnavailable(chosen, input.env);
  if (unavailable !== undefined) return { ok: false, problem: `engine "${name}" (from ${origin}) cannot run: ${unavailable}` };
  return { ok: true, spec: chosen, source };
}

/** Why an engine cannot run here, or undefined when it can. Never looks at a key's value, only at its presence. */
export function whyUnavailable(spec: EngineSpec, env: NodeJS.ProcessEnv): string | undefined {
  switch (spec.provider) {
    case 'openai-compatible':
    case 'anthropic': {
      const pkg = PROVIDER_PACKAGES[spec.provider];
      if (!isModuleInstalled('ai') || !isModuleInstalled(pkg)) return reinstallHint(isModuleInstalled('ai') ? pkg : 'ai', 'it');
      const endpoint = resolveEndpoint(spec, env);
      if (!endpoint.ok) return endpoint.problem;
      if (spec.apiKeyEnv !== undefined && (env[spec.apiKeyEnv] ?? '') === '') return `the environment variable ${spec.apiKeyEnv} (its API key) is not set`;
      if (spec.model === undefined) return `no model is configured; set engines.${spec.name}.model (or agents.<agent>.model) in .tapps-agents/config.yaml`;
      return undefined;
    }
    case 'manual':
      return undefined;
    default: {
      const command = spec.command ?? spec.provider;
      return findExecutable(command, env) === undefined ? `"${command}" is not on PATH` : undefined;
    }
  }
}

function autoDetect(input: SelectEngineInput): EngineSelection {
  const configured = Object.keys(input.config?.engines ?? {});
  for (const name of [...configured, ...AUTO_DETECT_ORDER]) {
    const spec = withAgentModel(engineSpecNamed(name, input.config) as EngineSpec, input);
    // A local server (no key) cannot be detected without calling it, so only configured engines or keys/CLIs count.
    if (whyUnavailable(spec, input.env) === undefined) return { ok: true, spec, source: 'auto-detect' };
  }
  return { ok: false, problem: noEngineProblem(input.agent) };
}

/** `agents.<agent>.model` wins over the engine's model. */
function withAgentModel(spec: EngineSpec, input: SelectEngineInput): EngineSpec {
  const model = input.config?.agents.byAgent[input.agent]?.model;
  return model === undefined ? spec : { ...spec, model };
}

function noEngineProblem(agent: string): string {
  const keyed = Object.values(ENGINE_PRESETS).filter((spec) => spec.apiKeyEnv !== undefined);
  return (
    `no engine is available for the model-backed agent "${agent}": ` +
    `set ${keyed.map((spec) => spec.apiKeyEnv).join(' or ')}, put a coding-agent CLI on PATH (${AUTO_DETECT_ORDER.filter((name) => ENGINE_PRESETS[name]?.command !== undefined).join(', ')}), ` +
    'or choose one in .tapps-agents/config.yaml (agents.default_engine: ollama | lmstudio | vllm | manual | a key of engines:) or with a step\'s "engine:"'
  );
}
