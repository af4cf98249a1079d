// Running the git CLI for the worktree manager: no prompts, stable English messages, no inherited repository
// overrides, and failures that say which git command failed and what git said.

import { runProcess, type ProcessResult } from '../exec/run-process.js';
import { TappsError } from '../errors.js';

/** Where and how to run git. */
export interface GitOptions {
  cwd: string;
  /** The git executable. @default "git" (on PATH) */
  gitBinary?: string;
  /** Abort kills git's process group. */
  signal?: AbortSignal;
  /** @default 120000 */
  timeoutMs?: number;
}

/** What one git command did. */
export interface GitResult {
  ok: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the git executable could not be started at all. */
  missing: boolean;
}

// Variables a git hook or an outer git command may have set: they would point our git at another repository.
const INHERITED_GIT_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX', 'GIT_OBJECT_DIRECTORY'];

/** The environment git runs with: never prompts for credentials, prints untranslated messages. */
export function gitEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept = Object.entries(base).filter(([name]) => !INHERITED_GIT_VARIABLES.includes(name));
  return { ...Object.fromEntries(kept), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' };
}

/** Runs `git <args>`. Never rejects: the outcome is in the result. */
export async function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  const result: ProcessResult = await runProcess({
    file: options.gitBinary ?? 'git',
    args,
    cwd: options.cwd,
    env: gitEnvironment(),
    timeoutMs: options.timeoutMs ?? 120_000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return {
    ok: result.exitCode === 0,
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    missing: result.spawnError?.code === 'ENOENT',
  };
}

/** Runs `git <args>` and returns its trimmed stdout, or throws WORKTREE_FAILED naming the command and git's message. */
export async function gitOutput(args: readonly string[], options: GitOptions): Promise<string> {
  const result = await git(args, options);
  if (!result.ok) throw gitFailure(args, options.cwd, result);
  return result.stdout.trim();
}

/** The error for a git command that failed. */
export function gitFailure(args: readonly string[], cwd: string, result: GitResult): TappsError {
  const said = gitSaid(result.stderr || result.stdout) || `exit code ${String(result.exitCode)}`;
  return new TappsError('WORKTREE_FAILED', `git ${args.join(' ')} failed in ${cwd}: ${said}`, {
    details: { args: [...args], cwd, exitCode: result.exitCode, stderr: result.stderr },
  });
}

// Messages git prints when another git process holds a lock, or when concurrent `worktree add` calls race on the
// shared admin files (measured: .git/config.lock, commondir, HEAD.lock, index.lock, packed-refs.lock).
const LOCK_ERROR = /\.lock'?: File exists|Unable to create '[^']*\.lock'|could not lock config file|cannot lock ref|commondir|Another git process seems to be running|unable to create file .*\.lock/i;

/** True when a git failure came from lock contention and is worth retrying. */
export function isLockError(result: GitResult): boolean {
  return !result.ok && !result.missing && LOCK_ERROR.test(result.stderr);
}

/** git's own error lines (`error:`/`fatal:`), else its last lines: the part of its output that says what went wrong. */
function gitSaid(text: string): string {
  const lines = text.trim().split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('hint:'));
  const errors = lines.filter((line) => /^(error|fatal):/.test(line));
  return (errors.length > 0 ? errors : lines.slice(-3)).join(' ');
}
