// `tapps-agents init`: write the commented default configuration files and a .gitignore for machine-local state.

import path from 'node:path';
import { createFileIfAbsent, writeFileAtomically } from '../fs/atomic-write.js';
import { configPaths } from './project-root.js';
import { readTemplate, type TemplateName } from './templates.js';
import { displayPath } from '../text/display-path.js';

export interface InitOptions {
  /** The directory to set up. */
  projectRoot: string;
  /** Replace files that already exist. @default false */
  force?: boolean;
}

export interface InitResult {
  /** One entry per file, in the order written. */
  files: { path: string; action: 'created' | 'replaced' | 'kept' }[];
}

/** Writes the project's configuration files. Existing files are kept unless `force` is set. */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const paths = configPaths(options.projectRoot);
  const plan: [string, TemplateName][] = [
    [paths.projectConfig, 'config.yaml'],
    [paths.autoExecutionConfig, 'auto_execution_config.yaml'],
    [paths.backgroundAgents, 'background-agents.yaml'],
    [path.join(options.projectRoot, '.tapps-agents', '.gitignore'), 'gitignore'],
  ];
  const files: InitResult['files'] = [];
  for (const [file, template] of plan) {
    const content = await readTemplate(template);
    const shown = displayPath(file);
    if (await createFileIfAbsent(file, content)) {
      files.push({ path: shown, action: 'created' });
    } else if (options.force === true) {
      await writeFileAtomically(file, content, { mode: 0o644, dirMode: 0o755 });
      files.push({ path: shown, action: 'replaced' });
    } else {
      files.push({ path: shown, action: 'kept' });
    }
  }
  return { files };
}
