// `tapps-agents config show [--auto|--no-auto] [--json]`

import type { Command } from 'commander';
import { formatProblem } from '../../config/problem.js';
import { describeSource, resolveConfig } from '../../config/resolve.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printErrorLines, printJson, printLines } from '../output.js';

export async function configShowCommand(options: { auto?: boolean; json?: boolean }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  const config = await resolveConfig({ projectRoot, ...(options.auto === undefined ? {} : { autoFlag: options.auto }) });
  if (options.json === true) {
    printJson({
      project_root: projectRoot,
      settings: Object.fromEntries(config.settings.map((setting) => [setting.key, { value: setting.value, display: setting.display, source: describeSource(setting.source) }])),
      warnings: config.warnings.map(formatProblem),
    });
    return EXIT.OK;
  }
  printLines(`Project: ${projectRoot}`, '');
  printLines(...columns([['setting', 'value', 'from'].map(colour.bold), ...config.settings.map((setting) => [setting.key, setting.display, colour.dim(describeSource(setting.source))])]));
  if (config.warnings.length > 0) printErrorLines('', ...config.warnings.map((warning) => colour.warn(formatProblem(warning))));
  return EXIT.OK;
}
