// `tapps-agents workflow execute --workflow FILE [--auto|--no-auto] [--param key=value]… [--json]` and
// `tapps-agents workflow resume <run-id> [--json]`: drive a run in this process, show its progress, exit 0/1/4/130.

import path from 'node:path';
import type { Command } from 'commander';
import { TappsError } from '../../errors.js';
import { createObserver } from '../../observability/create-observer.js';
import { executeWorkflow, resumeWorkflow, type RunOptions } from '../../workflow/run-workflow.js';
import type { RunReport } from '../../workflow/executor.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printErrorLines } from '../output.js';
import { createProgressView } from './workflow-progress.js';
import { tuneExecutorV8 } from '../executor-v8-flags.js';
import { formatProblem } from '../../config/problem.js';

export interface WorkflowExecuteFlags {
  workflow?: string;
  preset?: string;
  auto?: boolean;
  manual?: boolean;
  transport?: string;
  param?: string[];
  json?: boolean;
}

/**
 * Turns `key=value` strings into params; numbers and true/false are read as such.
 * @throws {TappsError} USAGE for a flag without "=".
 */
export function parseParams(values: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const text of values) {
    const at = text.indexOf('=');
    if (at <= 0) throw new TappsError('USAGE', `--param ${JSON.stringify(text)} is not key=value, e.g. --param env=staging`);
    const raw = text.slice(at + 1);
    params[text.slice(0, at)] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return params;
}

export async function workflowExecuteCommand(flags: WorkflowExecuteFlags, command: Command): Promise<number> {
  if (flags.workflow !== undefined && flags.preset !== undefined) throw new TappsError('USAGE', 'Give --workflow FILE or --preset NAME, not both');
  if (flags.workflow === undefined && flags.preset === undefined) {
    throw new TappsError('USAGE', 'Missing --workflow FILE (or --preset NAME), e.g. tapps-agents workflow execute --workflow examples/offline-demo.yaml');
  }
  const params = parseParams(flags.param ?? []);
  const projectRoot = projectRootOf(command);
  const file = flags.preset === undefined ? path.resolve(flags.workflow as string) : await (await import('../../workflow/presets.js')).presetFile(flags.preset);
  return runWithView(flags, projectRoot, (options) => executeWorkflow({ ...options, file, params }));
}

export async function workflowResumeCommand(runId: string, flags: { auto?: boolean; json?: boolean }, command: Command): Promise<number> {
  const projectRoot = projectRootOf(command);
  return runWithView(flags, projectRoot, (options) => resumeWorkflow({ ...options, runId }));
}

async function runWithView(flags: { auto?: boolean; json?: boolean; manual?: boolean; transport?: string }, projectRoot: string, start: (options: RunOptions) => Promise<RunReport>): Promise<number> {
  // This process is the run's executor: it may live long and go through many steps (cli/executor-v8-flags.ts).
  tuneExecutorV8();
  const view = createProgressView({ json: flags.json === true });
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== undefined) return;
    signalled = signal;
    if (flags.json !== true) printErrorLines(`${signal} received: cancelling running steps (the run stays resumable)`);
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: RunReport | undefined;
  try {
    report = await start({
      projectRoot,
      ...(flags.auto === undefined ? {} : { autoFlag: flags.auto }),
      signal: controller.signal,
      // Metrics and audit honour the run's resolved feature flags.
      observerFor: (config) => createObserver(projectRoot, config, { actor: 'executor' }),
      ...(flags.manual === true ? { manual: true } : {}),
      ...(flags.transport === 'file' || flags.transport === 'queue' ? { transportKind: flags.transport } : {}),
      onNotice: (message) => printErrorLines(message),
      onCommandWritten: (written) => {
        if (flags.manual !== true) return;
        printErrorLines(
          `Step ${written.stepId}: ${written.adopted ? 'still waiting' : 'waiting'} for ${written.statusFile}`,
          `  command file: ${written.commandFile}`,
          ...(written.instructionsFile === undefined ? [] : [`  instructions: ${written.instructionsFile}`]),
          `  run it with: tapps-agents workflow execute-skill-command --command-file ${written.commandFile}`,
        );
      },
      onEvent: (event) => view.onEvent(event),
      onStart: ({ config }) => {
        if (flags.json !== true && config.warnings.length > 0) printErrorLines(...config.warnings.map(formatProblem));
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    view.finish(report?.state);
  }
  const status = report.state.status;
  if (status === 'succeeded') return EXIT.OK;
  if (status === 'completed_with_failures') return EXIT.COMPLETED_WITH_FAILURES;
  if (status === 'cancelled') return EXIT.INTERRUPTED;
  return EXIT.FAILED;
}
