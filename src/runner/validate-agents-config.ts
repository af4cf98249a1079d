// `background-agent-config validate`: the file's shape and rules, and that its commands' programs exist here. It lives
// beside the runner because checking a command means resolving it as the runner would run it.

import path from 'node:path';
import { backgroundAgentsConfigRules, backgroundAgentsConfigSchema, type BackgroundAgentsConfigFile } from '../config/background-agents-config.js';
import { loadConfigFile } from '../config/config-file.js';
import type { Problem } from '../config/problem.js';
import { configPaths } from '../config/project-root.js';
import { checkCommandPrograms } from './command-programs.js';

export interface ValidateResult {
  valid: boolean;
  /** The file as shown to people. */
  configPath: string;
  errors: Problem[];
  warnings: Problem[];
  /** The validated configuration, when valid. */
  config: BackgroundAgentsConfigFile | undefined;
}

/** Validates a background agent configuration file (and that its commands' programs exist here); a missing file is invalid. */
export async function validateBackgroundAgentsConfig(options: { projectRoot: string; configPath?: string }): Promise<ValidateResult> {
  const target = options.configPath === undefined ? configPaths(options.projectRoot).backgroundAgents : path.resolve(options.configPath);
  const loaded = await loadConfigFile(target, backgroundAgentsConfigSchema, backgroundAgentsConfigRules);
  const problems: Problem[] = loaded.exists
    ? [...loaded.problems, ...(loaded.source === undefined ? [] : checkCommandPrograms(loaded.source, options.projectRoot))]
    : [{ severity: 'error', file: loaded.file, path: '', message: 'not found; create it with "tapps-agents background-agent-config generate"' }];
  const errors = problems.filter((problem) => problem.severity === 'error');
  return {
    valid: errors.length === 0,
    configPath: loaded.file,
    errors,
    warnings: problems.filter((problem) => problem.severity === 'warning'),
    config: errors.length === 0 ? loaded.value : undefined,
  };
}
