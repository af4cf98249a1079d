// `tapps-agents init [--force] [--json]`

import type { Command } from 'commander';
import { initProject } from '../../config/init-project.js';
import { startDirectoryOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printJson, printLines } from '../output.js';

export async function initCommand(options: { force?: boolean; json?: boolean }, command: Command): Promise<number> {
  const projectRoot = startDirectoryOf(command);
  const result = await initProject({ projectRoot, force: options.force === true });
  if (options.json === true) {
    printJson({ project_root: projectRoot, files: result.files });
    return EXIT.OK;
  }
  const label = { created: colour.ok('created'), replaced: colour.warn('replaced'), kept: colour.dim('kept') };
  printLines(...columns(result.files.map((file) => [label[file.action], file.path])));
  if (result.files.some((file) => file.action === 'kept')) printLines('', 'Existing files were kept; use --force to replace them.');
  printLines('', 'Next: tapps-agents background-agent-config validate, then tapps-agents workflow execute --workflow <file>');
  return EXIT.OK;
}
