// The one way tests run the built tapps-agents CLI as a user would: `runCli` to completion, capturing what it prints;
// `startCli` in the background (a daemon, a dashboard, a workflow that waits), with a bounded stop: SIGTERM, then
// SIGKILL by pid after a grace period, so no test leaves a process behind.

import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
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
  env?: NodeJS.ProcessEnv;
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

/** The built CLI running in the background. */
export interface BackgroundCli {
  child: ChildProcessByStdio<null, Readable, Readable>;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  /** Both streams, in the order they arrived. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `tapps-agents <args>` in `options.cwd` with colour off; its output is collected as it arrives. */
export function startCli(args: readonly string[], options: Pick<CliOptions, 'cwd' | 'env'>): BackgroundCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let both = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((out += chunk), (both += chunk)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((err += chunk), (both += chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid as number,
    stdout: () => out,
    stderr: () => err,
    output: () => both,
    exited,
    async stop(graceMs = 10_000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
