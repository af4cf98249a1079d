// Whether a runner serves a command file it was handed, and with which agent: it must be a regular file inside the
// project (not reached through a symbolic link that leads out of it) and under one agent's watch paths — except one
// handed over in-process by the executor, which the first agent serves.

import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { kindOfNonRegular } from '../fs/read-regular-file.js';
import type { RunnerAgent } from './runner-agents.js';

/** The agent that serves the file, why it is refused, or `gone` when it no longer exists. */
export type Admission = { agent: RunnerAgent } | { refused: string } | { gone: true };

/**
 * The admission of `file` by a runner over `realRoot` (the project root, symbolic links resolved). One handed over
 * in-process with its text (`inMemory`) is not looked at on disk: the executor of this process has just written it
 * through the write boundary (src/fs/write-boundary.ts: inside the project, a regular file renamed into place), and the
 * runner takes its text from memory, so nothing of the file is read.
 */
export async function admitCommandFile(file: string, runner: { realRoot: string; agents: readonly RunnerAgent[]; offeredInProcess: boolean; inMemory?: boolean }): Promise<Admission> {
  if (runner.offeredInProcess && runner.inMemory === true) {
    const agent = runner.agents[0];
    return agent === undefined ? { refused: 'no background agent of .cursor/background-agents.yaml is enabled' } : { agent };
  }
  let real: string;
  try {
    real = path.join(await realpath(path.dirname(file)), path.basename(file));
  } catch {
    return { gone: true };
  }
  const inside = real === runner.realRoot || real.startsWith(runner.realRoot + path.sep);
  // A FIFO or device where a command file should be would block the claim's read: refused, never opened.
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) return { gone: true };
  const kind = kindOfNonRegular(info);
  if (kind !== undefined) return { refused: `it is ${kind}, not a regular file` };
  const agent = runner.offeredInProcess ? runner.agents[0] : runner.agents.find((candidate) => candidate.plan.matches(file));
  if (inside && agent !== undefined) return { agent };
  return { refused: inside ? 'it is outside every watch path of .cursor/background-agents.yaml' : 'it is reached through a symbolic link that leads out of the project' };
}
