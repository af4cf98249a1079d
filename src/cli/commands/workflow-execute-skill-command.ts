// `tapps-agents workflow execute-skill-command --command-file PATH`: run the skill a command file asks for and write
// its status file (running, heartbeats, terminal) beside it. Exit 0 when it completed, 1 when it failed.

import path from 'node:path';
import { takeConfigHandoff } from '../../config/config-handoff.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import { TappsError } from '../../errors.js';
import { createObserver } from '../../observability/create-observer.js';
import { silentObserver } from '../../observability/observer.js';
import { executeCommandFile } from '../../runner/execute-command-file.js';
import { startTracingIfRequested, stopTracing } from '../../tracing/load-tracing.js';
import { recordProcessGroups } from '../../exec/orphan-groups.js';
import { projectRootFrom } from '../context.js';
import type { SkillCommandArgs } from '../skill-command-argv.js';
import { EXIT } from '../exit-codes.js';
import { printErrorLines, printJson, printLines } from '../output.js';
import { isNotRegularFile, readRegularFile } from '../../fs/read-regular-file.js';

export async function executeSkillCommandCommand(options: SkillCommandArgs): Promise<number> {
  const projectRoot = projectRootFrom(options.project);
  const commandFile = path.resolve(options.commandFile);
  let text: string;
  try {
    text = await readRegularFile(commandFile);
  } catch (error) {
    if (isNotRegularFile(error)) throw error;
    throw new TappsError('FILE_UNREADABLE', `Cannot read command file ${commandFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  // Run by a runner as a child: if that runner is killed, the next one reaps this process and, from this ledger, the
  // step's own processes (src/exec/orphan-groups.ts).
  recordProcessGroups(projectRoot);
  // Spawned by a runner: its configuration comes with the environment; run by hand, it is read from the files.
  const config = takeConfigHandoff(process.env, projectRoot) ?? (await readConfig(projectRoot));
  const observer = config === undefined ? silentObserver : createObserver(projectRoot, config, { actor: 'execute-skill-command' });
  // Traced only when the OpenTelemetry environment asks; the skill's span joins the runner's trace (TRACEPARENT).
  await startTracingIfRequested();
  const result = await executeCommandFile({ commandFile, text, projectRoot, ...(config === undefined ? {} : { config }), observer }).finally(stopTracing);
  if (options.json) printJson({ status: result.status, status_file: result.statusFile, error: result.error ?? null });
  else if (result.status === 'completed') printLines(`completed; status written to ${result.statusFile}`);
  else printErrorLines(`failed: ${result.error?.message ?? 'unknown error'}`, `status written to ${result.statusFile}`);
  return result.exitCode === 0 ? EXIT.OK : EXIT.FAILED;
}

/** The project's configuration from its files; a broken configuration leaves the step without one (no audit lines). */
async function readConfig(projectRoot: string): Promise<ResolvedConfig | undefined> {
  const { resolveConfig } = await import('../../config/resolve.js');
  return resolveConfig({ projectRoot }).catch(() => undefined);
}
