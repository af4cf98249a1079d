// `.tapps-agents/runner/status.json`: what a runner says about itself (pid, host, heartbeat, state, watch paths,
// counts). `background-agent status`, `auto-execution status|health` and the embedded-runner decision read it.

import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { isProcessAlive } from '../exec/process-alive.js';
import { writeFileAtomically } from '../fs/atomic-write.js';

/** How often a runner rewrites its status file. */
export const RUNNER_HEARTBEAT_MS = 2000;

const countsSchema = z.object({ claimed: z.int(), running: z.int(), finished: z.int(), failed: z.int(), refused: z.int() });

const runnerStatusSchema = z.looseObject({
  id: z.string(),
  pid: z.int(),
  host: z.string(),
  started_at: z.string(),
  heartbeat_at: z.string(),
  state: z.enum(['starting', 'running', 'stopping', 'stopped']),
  watch_paths: z.array(z.string()),
  counts: countsSchema,
  log_file: z.string().optional(),
  /** `embedded` for a runner inside a `workflow execute` (absent in files written before it existed: the daemon). */
  mode: z.enum(['daemon', 'embedded']).optional(),
  /** The run an embedded runner serves. */
  run_id: z.string().optional(),
});

/** The runner status file. */
export type RunnerStatus = z.output<typeof runnerStatusSchema>;
/** What a runner has done since it started. */
export type RunnerCounts = z.output<typeof countsSchema>;

/** `.tapps-agents/runner/` of a project. */
export function runnerDir(projectRoot: string): string {
  return path.join(projectRoot, '.tapps-agents', 'runner');
}

/** `.tapps-agents/runner/status.json` of a project. */
export function runnerStatusFile(projectRoot: string): string {
  return path.join(runnerDir(projectRoot), 'status.json');
}

/** Writes the runner status atomically (tmp + rename, 0600; no fsync: it is rewritten every two seconds). */
export async function writeRunnerStatus(projectRoot: string, status: RunnerStatus): Promise<void> {
  await writeFileAtomically(runnerStatusFile(projectRoot), `${JSON.stringify(status, null, 2)}\n`, { durable: false });
}

/** Reads the runner status file; missing or unreadable → undefined. */
export async function readRunnerStatus(projectRoot: string): Promise<RunnerStatus | undefined> {
  return readFile(runnerStatusFile(projectRoot), 'utf8').then(parseRunnerStatus, () => undefined);
}

/** The text of a runner status file as a status; not JSON or not a runner status → undefined. */
export function parseRunnerStatus(text: string): RunnerStatus | undefined {
  try {
    const parsed = runnerStatusSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** True when `status` describes a runner that is alive now: not stopped, pid alive on this host, heartbeat recent. */
export function runnerIsAlive(status: RunnerStatus, now = Date.now()): boolean {
  if (status.state === 'stopped') return false;
  if (status.host === hostname() && !isProcessAlive(status.pid)) return false;
  return now - Date.parse(status.heartbeat_at) <= 3 * RUNNER_HEARTBEAT_MS + 1000;
}

/** The live runner of the project, if any. */
export async function findLiveRunner(projectRoot: string): Promise<RunnerStatus | undefined> {
  const status = await readRunnerStatus(projectRoot);
  return status !== undefined && runnerIsAlive(status) ? status : undefined;
}
