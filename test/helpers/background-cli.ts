// The built CLI started in the background (a dashboard, a workflow that waits for approval), with a bounded stop:
// SIGTERM, then SIGKILL by pid after a grace period, so no test leaves a process behind.

import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_BIN } from './cli.js';

export interface BackgroundCli {
  child: ChildProcess;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function startCliInBackground(args: readonly string[], cwd: string): BackgroundCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid as number,
    stdout: () => out,
    stderr: () => err,
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

/** Polls until `condition` holds (generous deadline, no fixed sleeps). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `tapps-agents dashboard --json` in `cwd`: resolves once it prints its URL. */
export async function startDashboardCli(cwd: string): Promise<{ cli: BackgroundCli; url: string; port: number; token: string; origin: string }> {
  const cli = startCliInBackground(['dashboard', '--json'], cwd);
  let info: { url: string; port: number } | undefined;
  await waitUntil(() => {
    try {
      info = JSON.parse(cli.stdout()) as { url: string; port: number };
      return true;
    } catch {
      if (cli.child.exitCode !== null) throw new Error(`dashboard exited with ${cli.child.exitCode}: ${cli.stderr()}`);
      return false;
    }
  }, 'the dashboard to print its URL');
  const { url, port } = info as { url: string; port: number };
  return { cli, url, port, token: new URL(url).searchParams.get('token') as string, origin: `http://127.0.0.1:${port}` };
}
