// `background-agent-config generate|validate`: write the default background agent file, or check one.

import path from 'node:path';
import { TappsError } from '../errors.js';
import { checkCommandPrograms } from '../runner/command-programs.js';
import { createFileIfAbsent, writeFileAtomically } from '../fs/atomic-write.js';
import { backgroundAgentsConfigRules, backgroundAgentsConfigSchema, type BackgroundAgentsConfigFile } from './background-agents-config.js';
import { loadConfigFile } from './config-file.js';
import type { Problem } from './problem.js';
import { configPaths } from './project-root.js';
import { readTemplate } from './templates.js';
import { displayPath } from '../text/display-path.js';

export interface GenerateOptions {
  projectRoot: string;
  /** Write the short form without comments or the global section. @default false */
  minimal?: boolean;
  /** Replace an existing file. @default false */
  overwrite?: boolean;
  /** Where to write, relative to the working directory. @default <project>/.cursor/background-agents.yaml */
  configPath?: string;
}

export interface GenerateResult {
  /** The file as shown to people. */
  path: string;
  /** True when an existing file was replaced. */
  replaced: boolean;
}

/**
 * Writes the default background agent configuration.
 * @throws {TappsError} FILE_EXISTS when the file exists and `overwrite` is not set.
 */
export async function generateBackgroundAgentsConfig(options: GenerateOptions): Promise<GenerateResult> {
  const target = options.configPath === undefined ? configPaths(options.projectRoot).backgroundAgents : path.resolve(options.configPath);
  const content = await readTemplate(options.minimal === true ? 'background-agents.minimal.yaml' : 'background-agents.yaml');
  const shown = displayPath(target);
  if (await createFileIfAbsent(target, content)) return { path: shown, replaced: false };
  if (options.overwrite !== true) {
    throw new TappsError('FILE_EXISTS', `${shown} already exists; use --overwrite to replace it`, { details: { path: target } });
  }
  await writeFileAtomically(target, content, { mode: 0o644, dirMode: 0o755 });
  return { path: shown, replaced: true };
}

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
