// The coding-agent CLIs a process can run, as a background agent records them in its status file: each engine
// command (the built-in CLIs and the project's `engines:` with a command) and where it resolves on that process's
// PATH. A pre-run check in another shell compares them with its own (src/agents/preflight-engines.ts).

import type { ResolvedConfig } from '../config/resolve.js';
import { ENGINE_PRESETS, knownEngineNames, engineSpecNamed } from './engine-spec.js';
import { findExecutable } from './find-executable.js';

/** Every distinct command of a CLI engine usable in the project. */
export function engineCommands(config: ResolvedConfig | undefined): string[] {
  const commands = knownEngineNames(config).flatMap((name) => {
    const spec = engineSpecNamed(name, config) ?? ENGINE_PRESETS[name];
    if (spec === undefined || spec.provider === 'openai-compatible' || spec.provider === 'anthropic' || spec.provider === 'manual') return [];
    return [spec.command ?? spec.provider];
  });
  return [...new Set(commands)].sort();
}

/** Each command → its absolute path on `env.PATH`, or null when it is not there. */
export function resolveEngineCommands(commands: readonly string[], env: NodeJS.ProcessEnv): Record<string, string | null> {
  return Object.fromEntries(commands.map((command) => [command, findExecutable(command, env) ?? null]));
}
