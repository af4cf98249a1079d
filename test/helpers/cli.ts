// Runs the built tapps-agents CLI as a user would and captures what it prints.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built executable (tests run after `npm run build`). */
export const CLI_BIN = fileURLToPath(new URL('../../bin/tapps-agents.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Run as this uid/gid (tests running as root use it to make permission errors real). */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

/** Runs `tapps-agents <args>` in `cwd` with colour off. Never rejects: the exit code is in the result. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
        ...(options.uid === undefined ? {} : { uid: options.uid }),
        ...(options.gid === undefined ? {} : { gid: options.gid }),
      },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}
