// A project spread over simulated hosts for queue tests: a bare origin repository in a temp directory, the executor's
// clone, and one clone per worker (each its own project root, as on another machine), with worker processes run by
// the built CLI and killed by pid when the test ends.

import { type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { gitIn } from '../worktree/gitdir.js';

/** The project: its origin, the executor's clone, and the workers' clones. */
export interface QueueProject {
  root: string;
  origin: string;
  executor: string;
  clones: string[];
}

/** The config.yaml of every clone (committed, so all agree): this test's prefix and Redis, short stall detection. */
export function queueConfig(options: { prefix: string; url: string; extra?: string }): string {
  return [
    'workflow:',
    '  transport: queue',
    'queue:',
    `  url: ${options.url}`,
    `  prefix: ${options.prefix}`,
    '  lock_duration: 2s',
    '  stalled_interval: 1s',
    options.extra ?? '',
  ].join('\n');
}

/** A worker's .cursor/background-agents.yaml: the runner's own command, `slots` steps at once. */
export function workerAgents(slots: number): string {
  return [
    'agents:',
    '  - name: worker',
    '    type: background',
    '    commands: ["tapps-agents workflow execute-skill-command --command-file {command_file_path}"]',
    '    watch_paths: [".cursor-skill-command.txt"]',
    '    enabled: true',
    'global:',
    `  max_parallel_agents: ${slots}`,
    '',
  ].join('\n');
}

/** Creates origin, executor clone and `workers` worker clones; `files` are committed to the origin. */
export async function queueProject(files: Record<string, string>, workers: number): Promise<QueueProject> {
  const root = await testdir();
  const origin = path.join(root, 'origin.git');
  await gitIn(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  const seed = path.join(root, 'seed');
  await mkdir(seed);
  await gitIn(seed, 'init', '--quiet', '--initial-branch=main');
  await identify(seed);
  for (const [name, content] of Object.entries({ '.gitignore': '.tapps-agents/*\n!.tapps-agents/config.yaml\n', ...files })) {
    await mkdir(path.dirname(path.join(seed, name)), { recursive: true });
    await writeFile(path.join(seed, name), content);
  }
  await gitIn(seed, 'add', '--all');
  await gitIn(seed, 'commit', '--quiet', '-m', 'seed');
  await gitIn(seed, 'remote', 'add', 'origin', origin);
  await gitIn(seed, 'push', '--quiet', 'origin', 'main');
  const clone = async (name: string) => {
    const dir = path.join(root, name);
    await gitIn(root, 'clone', '--quiet', origin, dir);
    await identify(dir);
    return dir;
  };
  const executor = await clone('executor');
  const clones: string[] = [];
  for (let index = 0; index < workers; index++) clones.push(await clone(`worker-${index + 1}`));
  return { root, origin, executor, clones };
}

async function identify(dir: string): Promise<void> {
  await gitIn(dir, 'config', 'user.name', 'Test User');
  await gitIn(dir, 'config', 'user.email', 'test@example.invalid');
  await gitIn(dir, 'config', 'commit.gpgsign', 'false');
}

/** A worker process. */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `background-agent run --queue` in `clone`; resolves once it takes jobs. Killed (by pid) when the test ends. */
export async function startWorker(clone: string, env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
  const child = startCli(['background-agent', 'run', '--queue', '--grace', '2s'], { cwd: clone, env }).child;
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker in ${clone} did not start: ${output}`)), 60_000);
    const check = () => {
      if (output.includes('Queue worker running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker in ${clone} exited with ${code}: ${output}`));
    });
  });
  return { child, pid: child.pid as number, output: () => output, exited };
}
