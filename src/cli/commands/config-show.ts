// `tapps-agents config show [--auto|--no-auto] [--workflow FILE] [--json]`

import path from 'node:path';
import type { Command } from 'commander';
import { loadWorkflowOrThrow } from '../../workflow/load-workflow.js';
import { formatProblem } from '../../config/problem.js';
import { describeOverrides, describeSource, resolveConfig, type ResolvedConfig, type ResolvedSetting } from '../../config/resolve.js';
import { TappsError } from '../../errors.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, columns, printErrorLines, printJson, printLines } from '../output.js';

export async function configShowCommand(options: { auto?: boolean; json?: boolean; workflow?: string }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  // With --workflow, the workflow's metadata.auto_execution takes its place in the precedence.
  const workflow = options.workflow === undefined ? undefined : (await loadWorkflowOrThrow(path.resolve(options.workflow))).workflow;
  const config = await resolveConfig({
    projectRoot,
    ...(options.auto === undefined ? {} : { autoFlag: options.auto }),
    ...(workflow?.autoExecution === undefined ? {} : { workflowAutoExecution: { ...workflow.autoExecution, file: workflow.file } }),
  });
  // The queue's project identity: configured, or derived from the git origin (the one derived value shown).
  const projectId = await projectIdSetting(config);
  config.settings.splice(Math.max(0, config.settings.findIndex((setting) => setting.key === 'project.id')), 1, projectId);
  if (options.json === true) {
    printJson({
      project_root: projectRoot,
      settings: Object.fromEntries(
        config.settings.map((setting) => [
          setting.key,
          {
            value: setting.value,
            display: setting.display,
            source: describeSource(setting.source),
            ...(setting.overridden === undefined ? {} : { overrides: setting.overridden.map((lower) => ({ key: lower.key, display: lower.display, source: describeSource(lower.source) })) }),
          },
        ]),
      ),
      warnings: config.warnings.map(formatProblem),
    });
    return EXIT.OK;
  }
  printLines(`Project: ${projectRoot}`, '');
  printLines(...columns([['setting', 'value', 'from'].map(colour.bold), ...config.settings.map((setting) => [setting.key, setting.display, colour.dim(describeSource(setting.source))])]));
  // A key set in two files must not be silently outranked: name the place that lost and the one that won.
  const overrides = config.settings.flatMap(describeOverrides);
  if (overrides.length > 0) printLines('', colour.warn('Overridden settings:'), ...overrides.map((line) => `  ${line}`));
  if (config.warnings.length > 0) printErrorLines('', ...config.warnings.map((warning) => colour.warn(formatProblem(warning))));
  return EXIT.OK;
}

/** project.id as the queue would use it: config.yaml's, else the one derived from the origin URL, else why there is none. */
async function projectIdSetting(config: ResolvedConfig): Promise<ResolvedSetting> {
  const { resolveProjectId } = await import('../../queue/project-id.js');
  try {
    const identity = await resolveProjectId(config);
    const source = identity.source === 'config' ? (config.settings.find((setting) => setting.key === 'project.id')?.source ?? { kind: 'default' as const }) : { kind: 'derived' as const, from: `git remote origin (${identity.origin ?? '?'})` };
    return { key: 'project.id', value: identity.id, display: identity.id, source };
  } catch (error) {
    if (!TappsError.is(error)) throw error;
    return { key: 'project.id', value: '', display: '(none: set project.id or add a git remote "origin")', source: { kind: 'default' } };
  }
}
