// Engine names → what to run: the built-in presets (openai, ollama, lmstudio, vllm, anthropic, the coding-agent CLIs,
// manual) and the project's named `engines:` entries from .tapps-agents/config.yaml.

import { parseDuration } from '../config/duration.js';
import type { ENGINE_PROVIDERS } from '../config/project-config.js';
import type { ResolvedConfig } from '../config/resolve.js';

export type EngineProvider = (typeof ENGINE_PROVIDERS)[number];

/** Everything needed to build an engine; never holds a secret, only the name of the variable that does. */
export interface EngineSpec {
  name: string;
  provider: EngineProvider;
  model?: string;
  baseUrl?: string;
  /** The variable that, when set, says where requests go instead of `baseUrl` (src/engines/provider-endpoint.ts). */
  baseUrlEnv?: 'OPENAI_BASE_URL' | 'ANTHROPIC_BASE_URL' | 'OLLAMA_HOST';
  /** Environment variable holding the API key. */
  apiKeyEnv?: string;
  /** Executable of a coding-agent CLI. */
  command?: string;
  /** Longest one call may take; the step timeout applies when shorter. */
  timeoutMs?: number;
}

/** Built-in engines usable by name without any configuration. */
export const ENGINE_PRESETS: Readonly<Record<string, EngineSpec>> = {
  openai: { name: 'openai', provider: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', baseUrlEnv: 'OPENAI_BASE_URL', apiKeyEnv: 'OPENAI_API_KEY', model: 'gpt-4o-mini' },
  ollama: { name: 'ollama', provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', baseUrlEnv: 'OLLAMA_HOST', model: 'llama3.1' },
  lmstudio: { name: 'lmstudio', provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' },
  vllm: { name: 'vllm', provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' },
  anthropic: { name: 'anthropic', provider: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', baseUrlEnv: 'ANTHROPIC_BASE_URL', apiKeyEnv: 'ANTHROPIC_API_KEY', model: 'claude-sonnet-4-5' },
  claude: { name: 'claude', provider: 'claude', command: 'claude' },
  codex: { name: 'codex', provider: 'codex', command: 'codex' },
  'cursor-agent': { name: 'cursor-agent', provider: 'cursor-agent', command: 'cursor-agent' },
  aider: { name: 'aider', provider: 'aider', command: 'aider' },
  gemini: { name: 'gemini', provider: 'gemini', command: 'gemini' },
  manual: { name: 'manual', provider: 'manual' },
};

/** Auto-detection order: API keys first (cheapest to call headless), then coding-agent CLIs on PATH. */
export const AUTO_DETECT_ORDER = ['openai', 'anthropic', 'claude', 'codex', 'cursor-agent', 'aider', 'gemini'] as const;

/** The spec named `name`: a project engine (`engines.<name>`) wins over a preset of the same name. */
export function engineSpecNamed(name: string, config: ResolvedConfig | undefined): EngineSpec | undefined {
  const configured = config?.engines[name];
  if (configured !== undefined) {
    const preset = Object.values(ENGINE_PRESETS).find((candidate) => candidate.provider === configured.provider && candidate.name === configured.provider);
    return stripUndefined({
      name,
      provider: configured.provider,
      model: configured.model,
      baseUrl: configured.base_url,
      // No base_url: the provider's standard variable may say where (an OpenAI-compatible engine defaults to OpenAI's).
      baseUrlEnv: configured.base_url !== undefined ? undefined : configured.provider === 'anthropic' ? 'ANTHROPIC_BASE_URL' : configured.provider === 'openai-compatible' ? 'OPENAI_BASE_URL' : undefined,
      apiKeyEnv: configured.api_key_env ?? (configured.provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : undefined),
      command: configured.command ?? preset?.command,
      timeoutMs: configured.timeout === undefined ? undefined : parseDuration(configured.timeout),
    });
  }
  return ENGINE_PRESETS[name];
}

/** Every engine name a step may use in this project. */
export function knownEngineNames(config: ResolvedConfig | undefined): string[] {
  return [...new Set([...Object.keys(config?.engines ?? {}), ...Object.keys(ENGINE_PRESETS)])];
}

function stripUndefined(spec: { [K in keyof EngineSpec]: EngineSpec[K] | undefined }): EngineSpec {
  return Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)) as unknown as EngineSpec;
}
