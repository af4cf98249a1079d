// Starting a long-lived CLI process of our own detached (its own session, its output appended to its log file) and
// waiting until it reports that it is ready: `background-agent start` for the runner daemon and for a queue worker.
// Here, not in exec/, because it runs this package's CLI entry (./command-template.ts).

import { spawn } from 'node:child_process';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { openForAppend } from '../fs/append-file.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import { sleepLong } from '../time/long-timeout.js';
import { CLI_ENTRY } from './command-template.js';

/** How one detached start goes. */
export interface DetachedStart<T> {
  projectRoot: string;
  /** The CLI's arguments after `-C <projectRoot>`. */
  args: readonly string[];
  /** Where its output goes (appended; not through a link out of the project). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** What is started, as messages name it: "background agent", "queue worker". */
  name: string;
  timeoutMs: number;
  /** How often `ready` is asked. */
  pollMs: number;
  /** The answer once the process with `pid` reports ready, else undefined. */
  ready(pid: number): Promise<T | undefined>;
  /** The answer when the process exited before it was ready (`tail`: its log's last lines); throws to fail the start. */
  exitedAtStart(code: number | null, pid: number, tail: string): Promise<T>;
}

/**
 * Starts the CLI detached and resolves with `ready`'s answer.
 * @throws {TappsError} INTERRUPTED when no process could be started; TIMEOUT when it is not ready within `timeoutMs`;
 * whatever `exitedAtStart` throws.
 */
export async function startDetachedCli<T>(start: DetachedStart<T>): Promise<T> {
  const { projectRoot, logFile, name, timeoutMs } = start;
  await makeDirectoryInside(path.dirname(logFile), 0o700, projectRoot);
  // A torn last line gets its newline first.
  const { handle: log, lead } = await openForAppend(logFile, { mode: 0o600, dirMode: 0o700, within: projectRoot });
  if (lead !== '') await log.write(lead);
  const child = spawn(process.execPath, [CLI_ENTRY, '-C', projectRoot, ...start.args], { cwd: projectRoot, detached: true, stdio: ['ignore', log.fd, log.fd], env: start.env ?? process.env });
  await log.close();
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new TappsError('INTERRUPTED', `Could not start the ${name} process`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await start.ready(pid);
    if (answer !== undefined) return answer;
    if (exited !== undefined) return start.exitedAtStart(exited, pid, await logTail(logFile));
    if (Date.now() > deadline) throw new TappsError('TIMEOUT', `The ${name} (pid ${pid}) did not become ready within ${timeoutMs} ms; see ${logFile}`);
    await sleepLong(start.pollMs);
  }
}

/** The message for a process that exited before it was ready. */
export function exitedAtStartMessage(name: string, code: number | null, tail: string): string {
  return `The ${name} exited at start (code ${code ?? 'signal'}):\n${tail}`;
}

/** The last five lines of a log file ('' when it cannot be read). */
async function logTail(logFile: string): Promise<string> {
  return (await readRegularFile(logFile).catch(() => '')).trim().split('\n').slice(-5).join('\n');
}
