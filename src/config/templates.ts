// The commented YAML files that `init` and `background-agent-config generate` write, shipped in the package's templates/.

import { readFile } from 'node:fs/promises';
import { packageFile } from '../package-files.js';

/** Template names under templates/ in the package. */
export type TemplateName =
  | 'background-agents.yaml'
  | 'background-agents.minimal.yaml'
  | 'config.yaml'
  | 'auto_execution_config.yaml'
  | 'gitignore';

/** Reads a template shipped with the package (works from src/ in tests and from dist/ when installed). */
export async function readTemplate(name: TemplateName): Promise<string> {
  return readFile(packageFile('templates', name), 'utf8');
}
