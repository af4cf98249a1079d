// `background-agent-config generate`: write the default background agent file (runner/validate-agents-config.ts checks one).

import path from 'node:path';
import { TappsError } from '../errors.js';
import { createFileIfAbsent, writeFileAtomically } from '../fs/atomic-write.js';
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
