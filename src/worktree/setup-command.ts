// A workflow's `setup` command (e.g. `npm ci`), run once in each new step worktree before the step: a fresh
// worktree has the repository's tracked files only, not node_modules or build output.

import { runProcess } from '../exec/run-process.js';
import { TappsError } from '../errors.js';
import { gitEnvironment } from './git.js';

/** The setup to run in each new worktree. */
export interface SetupCommand {
  /** A shell command line from the workflow file (trusted: it is in the repository). */
  command: string;
  /** @default 600000 (10 minutes) */
  timeoutMs?: number;
}

/** What the setup command did. */
export interface SetupReport {
  command: string;
  durationMs: number;
}

/**
 * Runs the setup command in `cwd` with `/bin/sh -c`.
 * @throws {TappsError} WORKTREE_FAILED when it exits non-zero or cannot start; TIMEOUT when it runs too long
 */
export async function runSetupCommand(setup: SetupCommand, cwd: string, signal?: AbortSignal): Promise<SetupReport> {
  const timeoutMs = setup.timeoutMs ?? 600_000;
  const result = await runProcess({
    file: '/bin/sh',
    args: ['-c', setup.command],
    cwd,
    env: gitEnvironment(),
    timeoutMs,
    maxOutputBytes: 64 * 1024,
    ...(signal === undefined ? {} : { signal }),
  });
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.timedOut) {
    throw new TappsError('TIMEOUT', `Setup command "${setup.command}" timed out after ${timeoutMs} ms in ${cwd}. The worktree is kept for inspection; raise the setup timeout or make the command faster.`);
  }
  if (result.exitCode !== 0) {
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    const how = result.spawnError === undefined ? `exit code ${String(result.exitCode ?? result.signal)}` : result.spawnError.message;
    throw new TappsError('WORKTREE_FAILED', `Setup command "${setup.command}" failed (${how}) after ${seconds} s in ${cwd}; the worktree is kept for inspection.${said === '' ? '' : `\n${said}`}`, {
      details: { command: setup.command, cwd, exitCode: result.exitCode },
    });
  }
  return { command: setup.command, durationMs: result.durationMs };
}
