// `tapps-agents background-agent-config generate|validate`

import type { Command } from 'commander';
import { generateBackgroundAgentsConfig } from '../../config/generate.js';
import { validateBackgroundAgentsConfig } from '../../runner/validate-agents-config.js';
import { formatProblem } from '../../config/problem.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, printErrorLines, printJson, printLines } from '../output.js';

export async function generateCommand(
  options: { minimal?: boolean; overwrite?: boolean; configPath?: string; json?: boolean },
  command: Command,
): Promise<number> {
  const result = await generateBackgroundAgentsConfig({
    projectRoot: projectRootOf(command),
    minimal: options.minimal === true,
    overwrite: options.overwrite === true,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
  });
  if (options.json === true) printJson({ config_path: result.path, replaced: result.replaced });
  else printLines(`${colour.ok('✓')} ${result.replaced ? 'Replaced' : 'Generated'} ${result.path}`, `Check it with: tapps-agents background-agent-config validate`);
  return EXIT.OK;
}

export async function validateCommand(options: { configPath?: string; json?: boolean }, command: Command): Promise<number> {
  const result = await validateBackgroundAgentsConfig({
    projectRoot: projectRootOf(command),
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
  });
  if (options.json === true) {
    printJson({ valid: result.valid, config_path: result.configPath, errors: result.errors, warnings: result.warnings });
  } else if (result.valid) {
    const agents = result.config?.agents ?? [];
    const enabled = agents.filter((agent) => agent.enabled).length;
    printLines(`${colour.ok('✓')} ${result.configPath} is valid (${agents.length} ${agents.length === 1 ? 'agent' : 'agents'}, ${enabled} enabled)`);
    if (result.warnings.length > 0) printErrorLines(...result.warnings.map((warning) => colour.warn(formatProblem(warning))));
  } else {
    const count = result.errors.length;
    printErrorLines(
      `${colour.error('✗')} ${result.configPath} is invalid (${count} ${count === 1 ? 'problem' : 'problems'}):`,
      ...[...result.errors, ...result.warnings].map((problem) => `  ${formatProblem(problem)}`),
    );
  }
  return result.valid ? EXIT.OK : EXIT.USAGE;
}
