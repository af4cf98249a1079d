// A runner hands its resolved configuration to the `workflow execute-skill-command` processes it spawns, in one
// environment variable, so each step's process does not parse and validate the three YAML files again (about a third
// of that process's start; docs/decisions.md, "Resolved configuration handed to spawned skills"). The child uses it only
// when it is for the same project and of this format; otherwise it reads the files as usual.

import type { ResolvedConfig } from './resolve.js';

/** The variable a runner sets for a spawned builtin skill command; removed from the child's environment on reading. */
export const CONFIG_HANDOFF_VARIABLE = 'TAPPS_AGENTS_RESOLVED_CONFIG';

const FORMAT = 1;

/** The variable's value for `config`. */
export function encodeConfigHandoff(config: ResolvedConfig): string {
  return JSON.stringify({ format: FORMAT, config });
}

/**
 * The configuration handed over in `env` for `projectRoot`, or undefined (none, another project, another format, or
 * unreadable). The variable is deleted from `env` either way, so the step's own processes never inherit it.
 */
export function takeConfigHandoff(env: NodeJS.ProcessEnv, projectRoot: string): ResolvedConfig | undefined {
  const text = env[CONFIG_HANDOFF_VARIABLE];
  Reflect.deleteProperty(env, CONFIG_HANDOFF_VARIABLE);
  if (text === undefined) return undefined;
  try {
    const handed = JSON.parse(text) as { format?: unknown; config?: Partial<ResolvedConfig> };
    const config = handed.config;
    if (handed.format !== FORMAT || config?.projectRoot !== projectRoot || typeof config.autoExecution?.features !== 'object') return undefined;
    return config as ResolvedConfig;
  } catch {
    return undefined;
  }
}
