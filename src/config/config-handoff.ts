// A runner hands its resolved configuration to the `workflow execute-skill-command` processes it spawns, in one
// environment variable, so each step's process does not parse and validate the three YAML files again (docs/decisions.md,
// "Resolved configuration handed to spawned skills"). The child uses it only when it is for the same project, from the
// same tapps-agents version, and the configuration files are still as they were when it was resolved; otherwise it
// reads the files as usual.

import { realpathSync } from 'node:fs';
import { packageVersion } from '../package-files.js';
import { configFilesUnchanged } from './config-stamps.js';
import { maskRedisUrl } from './redis-url.js';
import type { ResolvedConfig } from './resolve.js';

/** The variable a runner sets for a spawned builtin skill command; removed from the child's environment on reading. */
export const CONFIG_HANDOFF_VARIABLE = 'TAPPS_AGENTS_RESOLVED_CONFIG';

/** Larger values are not handed over: one environment string may not exceed 128 KiB on Linux. */
const MAX_HANDOFF_CHARS = 64 * 1024;

/** The variable's value for `config`, or undefined when it cannot be handed over (no file stamps, or too large). */
export function encodeConfigHandoff(config: ResolvedConfig): string | undefined {
  if (config.files === undefined) return undefined;
  // A skill never needs the queue's password: it does not travel in the variable.
  const shown = config.queue === undefined ? config : { ...config, queue: { ...config.queue, url: maskRedisUrl(config.queue.url) } };
  const text = JSON.stringify({ version: packageVersion(), config: shown });
  return text.length <= MAX_HANDOFF_CHARS ? text : undefined;
}

/**
 * The configuration handed over in `env` for `projectRoot`, or undefined (none, another project or version, files
 * changed since, or unreadable). The variable is deleted from `env` either way, so the step's own processes never
 * inherit it.
 */
export function takeConfigHandoff(env: NodeJS.ProcessEnv, projectRoot: string): ResolvedConfig | undefined {
  const text = env[CONFIG_HANDOFF_VARIABLE];
  Reflect.deleteProperty(env, CONFIG_HANDOFF_VARIABLE);
  if (text === undefined) return undefined;
  let handed: { version?: unknown; config?: Partial<ResolvedConfig> };
  try {
    handed = JSON.parse(text) as typeof handed;
  } catch {
    return undefined;
  }
  const config = handed.config;
  if (handed.version !== packageVersion() || config?.files === undefined || typeof config.projectRoot !== 'string') return undefined;
  if (!sameDirectory(config.projectRoot, projectRoot) || !configFilesUnchanged(config.files)) return undefined;
  return config as ResolvedConfig;
}

/** The runner may name the project through a symbolic link; the child finds it from its real working directory. */
function sameDirectory(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
