// Crash injection: runs a 10-step workflow through the background agent and SIGKILLs the executor or the runner at
// seeded random points, restarting whichever died, until the run completes; records what every kill saw.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CLI_BIN, runCli } from '../helpers/cli.js';
import { waitFor } from '../runner/helpers.js';

/** Ten shell steps in a chain; each appends its id to side-effects.log, then sleeps so kills land mid-step. */
export const CRASH_WORKFLOW = `id: crash
name: Crash injection
steps:
${Array.from({ length: 10 }, (_, index) => `  - id: s${index}\n    run: echo s${index} >> side-effects.log; sleep 1${index === 0 ? '' : `\n    needs: [s${index - 1}]`}`).join('\n')}
`;

/** Fast heartbeats: a killed runner is noticed in about a second. */
export const CRASH_ENV = { TAPPS_AGENTS_HEARTBEAT_MS: '200' };

/** What the harness saw at one kill. */
export interface KillRecord {
  victim: 'executor' | 'runner';
  /** Steps state.json recorded as succeeded just before the kill, with how often each had run by then. */
  completed: Record<string, number>;
  /** How often each step had run (appended its id) just before the kill. */
  counts: Record<string, number>;
  /** Steps state.json showed as running just before the kill. */
  running: string[];
}

/** The outcome of one crash-injected run. */
export interface CrashRun {
  runId: string;
  kills: KillRecord[];
  finalExitCode: number;
  /** How often each step appended its id, at the end. */
  counts: Record<string, number>;
}

/** A small seeded generator (mulberry32), so a failing seed can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function sideEffectCounts(root: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const line of (await readFile(path.join(root, 'side-effects.log'), 'utf8').catch(() => '')).split('\n')) if (line !== '') counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

async function stepsWithStatus(root: string, runId: string, status: string): Promise<string[]> {
  const text = await readFile(path.join(root, '.tapps-agents', 'workflow-state', runId, 'state.json'), 'utf8').catch(() => '');
  try {
    const state = JSON.parse(text) as { steps?: Record<string, { status?: string }> };
    return Object.entries(state.steps ?? {}).filter(([, step]) => step.status === status).map(([id]) => id);
  } catch {
    return [];
  }
}

async function runStatus(root: string, runId: string): Promise<string | undefined> {
  const text = await readFile(path.join(root, '.tapps-agents', 'workflow-state', runId, 'state.json'), 'utf8').catch(() => '');
  try {
    return (JSON.parse(text) as { status?: string }).status;
  } catch {
    return undefined;
  }
}

async function runnerPid(root: string): Promise<number> {
  const status = await runCli(['background-agent', 'status', '--json'], { cwd: root, env: CRASH_ENV });
  const pid = (JSON.parse(status.stdout) as { pid?: number }).pid;
  if (pid === undefined) throw new Error(`no runner pid in ${status.stdout}`);
  return pid;
}

async function startRunner(root: string): Promise<number> {
  // A killed runner's status file looks alive until its heartbeats go stale; start is retried until a new one runs.
  return waitFor(async () => {
    const started = await runCli(['background-agent', 'start', '--json'], { cwd: root, env: CRASH_ENV });
    if (started.exitCode !== 0) return undefined;
    const pid = await runnerPid(root);
    return isAlive(pid) ? pid : undefined;
  }, 60_000, 'a running background agent', 200);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function spawnExecutor(root: string, args: string[]): { child: ChildProcess; exited: Promise<number>; output: () => string } {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...CRASH_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === null ? -1 : 128 + 9))));
  return { child, exited, output: () => output };
}

/**
 * Runs the crash workflow in `root` (auto-execution on, runner: external) with `kills` SIGKILLs chosen by `seed`,
 * resuming or restarting after each, then drives the run to completion.
 */
export async function crashRun(root: string, seed: number, kills: number): Promise<CrashRun> {
  const random = seeded(seed);
  let runner = await startRunner(root);
  let executor = spawnExecutor(root, ['workflow', 'execute', '--workflow', 'wf.yaml']);
  const runId = await waitFor(() => Promise.resolve(/Run (\S+) started/.exec(executor.output())?.[1]), 60_000, 'the run id');
  // A run id is resumable once its state.json exists; kills start after that.
  await waitFor(() => runStatus(root, runId), 60_000, 'the run state');
  const records: KillRecord[] = [];
  for (let kill = 0; kill < kills; kill++) {
    if ((await runStatus(root, runId)) === 'succeeded') break;
    // Wait until something is happening (a step has started since the last restart), then a random moment more.
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 1200)));
    const victim = random() < 0.5 ? 'executor' : 'runner';
    const running = await stepsWithStatus(root, runId, 'running');
    const completedIds = await stepsWithStatus(root, runId, 'succeeded');
    const counts = await sideEffectCounts(root);
    const completed = Object.fromEntries(completedIds.map((id) => [id, counts[id] ?? 0]));
    if (victim === 'executor') {
      if (executor.child.exitCode === null && executor.child.signalCode === null) executor.child.kill('SIGKILL');
      await executor.exited;
      records.push({ victim, completed, counts, running });
      executor = spawnExecutor(root, ['workflow', 'resume', runId]);
    } else {
      process.kill(runner, 'SIGKILL');
      await waitFor(() => Promise.resolve(isAlive(runner) ? undefined : true), 10_000, 'the runner gone', 20);
      records.push({ victim, completed, counts, running });
      runner = await startRunner(root);
    }
  }
  // Drive to completion: each executor that stops (a step failed after too many runner deaths) is resumed.
  const current = executor;
  let finalExitCode = await Promise.race([current.exited, new Promise<number>((resolve) => setTimeout(() => resolve(-2), 120_000))]);
  if (finalExitCode === -2) {
    current.child.kill('SIGKILL');
    throw new Error(`run ${runId} (seed ${seed}) did not finish within 120 s after the last kill; kills: ${JSON.stringify(records.map((record) => record.victim))}; state: ${await readFile(path.join(root, '.tapps-agents', 'workflow-state', runId, 'state.json'), 'utf8').catch(() => 'missing')}; executor output: ${current.output().slice(-2000)}`);
  }
  for (let attempt = 0; attempt < 10 && (await runStatus(root, runId)) !== 'succeeded'; attempt++) {
    if (!isAlive(runner)) runner = await startRunner(root);
    const resumed = await runCli(['workflow', 'resume', runId], { cwd: root, env: CRASH_ENV, timeoutMs: 120_000 });
    finalExitCode = resumed.exitCode;
  }
  await runCli(['background-agent', 'stop'], { cwd: root, env: CRASH_ENV });
  return { runId, kills: records, finalExitCode, counts: await sideEffectCounts(root) };
}
