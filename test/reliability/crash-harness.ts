// Crash injection: runs a 10-step workflow through the background agent and SIGKILLs the executor or the runner at
// seeded random points, restarting whichever died, until the run completes; records what every kill saw.

import { type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from '../../src/exec/process-alive.js';
import { readRunState, type RunState } from '../../src/workflow/run-state.js';
import { runCli, startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Ten shell steps in a chain; each appends its id to its run's side-effect file (named with $TAPPS_RUN_ID, which a
 * runner in another process learns from the command file), then sleeps so kills land mid-step.
 */
export const CRASH_WORKFLOW = `id: crash
name: Crash injection
steps:
${Array.from({ length: 10 }, (_, index) => `  - id: s${index}\n    run: echo s${index} >> "side-effects-$TAPPS_RUN_ID.log"; sleep 1${index === 0 ? '' : `\n    needs: [s${index - 1}]`}`).join('\n')}
`;

/** Fast heartbeats: a killed runner is noticed in about a second. */
export const CRASH_ENV = { TAPPS_AGENTS_HEARTBEAT_MS: '200' };

/** What the harness saw at one kill. */
export interface KillRecord {
  victim: 'executor' | 'runner';
  /** Steps the run state (state.json and its journal) recorded as succeeded just before the kill, with how often each had run by then. */
  completed: Record<string, number>;
  /** How often each step had run (appended its id) just before the kill. */
  counts: Record<string, number>;
  /** Steps the run state showed as running just before the kill. */
  running: string[];
  /**
   * Steps state.json recorded as succeeded right after the kill. The steps form a chain, so the step running at the
   * kill is the first one not recorded finished — before or after it: the next step may start in the moment between
   * the harness's look at state.json and the signal.
   */
  completedAfter: string[];
  /** Milliseconds since the run started. */
  atMs: number;
}

/** One run of the crash workflow and the kills that hit it. */
export interface CrashRun {
  runId: string;
  kills: KillRecord[];
  /** The run's recorded status at the end. */
  status: string | undefined;
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

async function sideEffectCounts(root: string, runId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const line of (await readFile(path.join(root, `side-effects-${runId}.log`), 'utf8').catch(() => '')).split('\n')) if (line !== '') counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

/**
 * The run's recorded state as every reader sees it: state.json with its journal applied (a completion may be on disk
 * only as a journal line — exactly what a kill must not lose); undefined while there is none.
 */
async function recordedState(root: string, runId: string): Promise<RunState | undefined> {
  return readRunState(root, runId).catch(() => undefined);
}

async function stepsWithStatus(root: string, runId: string, status: string): Promise<string[]> {
  const state = await recordedState(root, runId);
  return Object.entries(state?.steps ?? {}).filter(([, step]) => step.status === status).map(([id]) => id);
}

async function runStatus(root: string, runId: string): Promise<string | undefined> {
  return (await recordedState(root, runId))?.status;
}

/** Starts the project's background agent and returns its pid; retried, since just after a kill the old one's lock is
 * taken over only once it is older than 1.5 s. */
export async function startRunner(root: string): Promise<number> {
  return waitFor(async () => {
    const started = await runCli(['background-agent', 'start', '--json'], { cwd: root, env: CRASH_ENV });
    if (started.exitCode !== 0) return undefined;
    const { pid } = JSON.parse(started.stdout) as { pid: number };
    return isProcessAlive(pid) ? pid : undefined;
  }, 'a running background agent', 60_000, 200);
}

export function spawnExecutor(root: string, args: string[]): { child: ChildProcess; exited: Promise<number>; output: () => string } {
  const child = startCli([...args], { cwd: root, env: CRASH_ENV }).child;
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === null ? -1 : 128 + 9))));
  return { child, exited, output: () => output };
}

/** A run being driven: its id and the executor process currently driving it. */
interface LiveRun {
  runId: string;
  executor: ReturnType<typeof spawnExecutor>;
  kills: KillRecord[];
}

async function startRun(root: string): Promise<LiveRun> {
  const executor = spawnExecutor(root, ['workflow', 'execute', '--workflow', 'wf.yaml']);
  const runId = await waitFor(() => Promise.resolve(/Run (\S+) started/.exec(executor.output())?.[1]), 'the run id', 60_000);
  // A run id is resumable once its state.json exists; kills start after that.
  await waitFor(() => runStatus(root, runId), 'the run state', 60_000);
  return { runId, executor, kills: [] };
}

function exited(executor: LiveRun['executor']): boolean {
  return executor.child.exitCode !== null || executor.child.signalCode !== null;
}

/** Resumes `run` until it has succeeded (a step can fail for good after too many runner deaths in a row). */
async function driveToEnd(root: string, run: LiveRun, seed: number, runner: () => Promise<void>): Promise<void> {
  const last = await Promise.race([run.executor.exited, new Promise<number>((resolve) => setTimeout(() => resolve(-2), 120_000))]);
  if (last === -2) {
    run.executor.child.kill('SIGKILL');
    throw new Error(`run ${run.runId} (seed ${seed}) did not finish within 120 s after the last kill; kills: ${JSON.stringify(run.kills.map((record) => record.victim))}; state: ${await readFile(path.join(root, '.tapps-agents', 'workflow-state', run.runId, 'state.json'), 'utf8').catch(() => 'missing')}; executor output: ${run.executor.output().slice(-2000)}`);
  }
  for (let attempt = 0; attempt < 5 && (await runStatus(root, run.runId)) !== 'succeeded'; attempt++) {
    await runner();
    await runCli(['workflow', 'resume', run.runId], { cwd: root, env: CRASH_ENV, timeoutMs: 120_000 });
  }
}

/**
 * Runs the crash workflow in `root` (auto-execution on, runner: external) and delivers exactly `kills` SIGKILLs,
 * chosen by `seed`, to the executor or the runner, restarting whichever died (`workflow resume`, `background-agent
 * start`). A run that succeeds before the kills are spent is followed by another, so every seed delivers them all.
 */
export async function crashRuns(root: string, seed: number, kills: number): Promise<CrashRun[]> {
  const random = seeded(seed);
  const began = Date.now();
  let runner = await startRunner(root);
  const ensureRunner = async () => {
    if (!isProcessAlive(runner)) runner = await startRunner(root);
  };
  let run = await startRun(root);
  const runs = [run];
  while (runs.reduce((total, each) => total + each.kills.length, 0) < kills) {
    // Between kills, a random moment: sometimes mid-step, sometimes in a handoff or a restart.
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 1200)));
    if (exited(run.executor)) {
      // Finished on its own: a new run when it succeeded, else (a step failed for good) a resume.
      if ((await runStatus(root, run.runId)) === 'succeeded') {
        run = await startRun(root);
        runs.push(run);
      } else run.executor = spawnExecutor(root, ['workflow', 'resume', run.runId]);
      continue;
    }
    const victim = random() < 0.5 ? 'executor' : 'runner';
    const running = await stepsWithStatus(root, run.runId, 'running');
    const completedIds = await stepsWithStatus(root, run.runId, 'succeeded');
    const counts = await sideEffectCounts(root, run.runId);
    const completed = Object.fromEntries(completedIds.map((id) => [id, counts[id] ?? 0]));
    const record: KillRecord = { victim, completed, counts, running, completedAfter: [], atMs: Date.now() - began };
    if (victim === 'executor') {
      run.executor.child.kill('SIGKILL');
      await run.executor.exited;
      record.completedAfter = await stepsWithStatus(root, run.runId, 'succeeded');
      run.kills.push(record);
      run.executor = spawnExecutor(root, ['workflow', 'resume', run.runId]);
    } else {
      process.kill(runner, 'SIGKILL');
      record.completedAfter = await stepsWithStatus(root, run.runId, 'succeeded');
      // SIGKILL is delivered at once, but the process may finish a system call (an fsync) before it is gone.
      await waitFor(() => Promise.resolve(isProcessAlive(runner) ? undefined : true), 'the runner gone', 30_000, 20);
      run.kills.push(record);
      runner = await startRunner(root);
    }
  }
  await driveToEnd(root, run, seed, ensureRunner);
  await runCli(['background-agent', 'stop'], { cwd: root, env: CRASH_ENV });
  console.log(`seed ${seed}: ${runs.length} run(s); kills at ${runs.flatMap((each) => each.kills.map((record) => `${record.victim[0]}${record.atMs}`)).join(' ')}; done at ${Date.now() - began} ms`);
  return Promise.all(runs.map(async (each) => ({ runId: each.runId, kills: each.kills, status: await runStatus(root, each.runId), counts: await sideEffectCounts(root, each.runId) })));
}
