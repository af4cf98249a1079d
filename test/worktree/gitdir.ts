// Temporary git repositories for worktree tests: a committed tree built from an inline map of files, with a
// repository-local identity (the machine's global git config is never touched).

import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { testdir } from '../helpers/testdir.js';

const exec = promisify(execFile);

/** Runs git in `cwd` and returns its trimmed stdout. */
export async function gitIn(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  return stdout.trim();
}

/** Creates a git repository on branch `main` holding `files` in one commit; returns its real path. */
export async function gitdir(files: Record<string, string> = { 'README.md': '# project\n' }): Promise<string> {
  const root = await realpath(await testdir(files));
  await gitIn(root, 'init', '--quiet', '--initial-branch=main');
  await gitIn(root, 'config', 'user.name', 'Test User');
  await gitIn(root, 'config', 'user.email', 'test@example.invalid');
  await gitIn(root, 'config', 'commit.gpgsign', 'false');
  await gitIn(root, 'add', '--all');
  await gitIn(root, 'commit', '--quiet', '-m', 'initial');
  return root;
}
