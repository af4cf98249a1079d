// The queue transport (issue 17): handoff latency through BullMQ (enqueue → a worker takes the job; the worker
// finishes → the executor sees it), 1,000 no-op steps 8-way on 4 workers against the same workflow through the file
// transport, and the scale-out ratio: 32 steps of `sleep 1` on 4 workers × 2 slots against 1 worker × 1 slot.
// Every worker is a real `background-agent run --queue` process in its own clone of a bare origin repository (a
// simulated host), against the Redis on 127.0.0.1:6379 (TAPPS_AGENTS_BENCH_REDIS_URL) under a key prefix of its own.
// Usage: npm run build && node bench/queue.mjs [--quick]   (or import { run } from here)

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedNode } from './child-usage.mjs';
import { percentile, summary } from './stats.mjs';
import { newProject } from './workflow-scale.mjs';

const CLI = fileURLToPath(new URL('../bin/tapps-agents.js', import.meta.url));
const REDIS_URL = process.env.TAPPS_AGENTS_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOOP = 'agent: analyst, action: check-prerequisites, params: { env: [HOME] }';

function git(cwd, ...args) {
  const child = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${child.stderr}`);
}

function agentsYaml(slots) {
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

/** A workflow of `steps` steps; `parallel`: every step after the first needs only the first. */
function workflowYaml(name, steps, step, { parallel = true, concurrency = 8, fanOutFromFirst = true } = {}) {
  const lines = [`id: ${name}`, `name: ${name}`, `concurrency: ${concurrency}`, 'steps:'];
  for (let index = 0; index < steps; index++) {
    const needs = !parallel ? '' : fanOutFromFirst && index > 0 ? ', needs: [s0]' : ', needs: []';
    lines.push(`  - { id: s${index}, ${step}${needs} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** A bare origin, the executor's clone and `workers` worker clones, all agreeing on this run's queue prefix. */
function queueProject(workers, slots, files) {
  const root = mkdtempSync(path.join(tmpdir(), 'tapps-bench-queue-'));
  const prefix = `tapps-bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  const origin = path.join(root, 'origin.git');
  git(root, 'init', '-q', '--bare', '--initial-branch=main', origin);
  const seed = path.join(root, 'seed');
  mkdirSync(path.join(seed, '.tapps-agents'), { recursive: true });
  mkdirSync(path.join(seed, '.cursor'), { recursive: true });
  git(seed, 'init', '-q', '--initial-branch=main');
  const content = {
    '.gitignore': '.tapps-agents/*\n!.tapps-agents/config.yaml\n',
    '.tapps-agents/config.yaml': `workflow:\n  transport: queue\nqueue:\n  url: ${REDIS_URL}\n  prefix: ${prefix}\n`,
    '.cursor/background-agents.yaml': agentsYaml(slots),
    ...files,
  };
  for (const [name, text] of Object.entries(content)) writeFileSync(path.join(seed, name), text);
  identify(seed);
  git(seed, 'add', '--all');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', origin, 'main');
  const clone = (name) => {
    const dir = path.join(root, name);
    git(root, 'clone', '-q', origin, dir);
    identify(dir);
    return dir;
  };
  return { root, prefix, executor: clone('executor'), clones: Array.from({ length: workers }, (_, index) => clone(`worker-${index + 1}`)) };
}

function identify(dir) {
  git(dir, 'config', 'user.name', 'Bench');
  git(dir, 'config', 'user.email', 'bench@example.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
}

/** Starts a foreground worker in `clone`; resolves with it once it takes jobs. */
function startWorker(clone) {
  const child = spawn(process.execPath, [CLI, 'background-agent', 'run', '--queue', '--grace', '2s'], { cwd: clone, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker in ${clone} did not start: ${output}`)), 60_000);
    const take = (chunk) => {
      output += chunk;
      if (output.includes('Queue worker running')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker in ${clone} exited with ${code}: ${output}`));
    });
  });
}

async function stopWorkers(workers) {
  await Promise.all(
    workers.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.removeAllListeners('exit');
          child.on('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** CPU milliseconds a live process used, its reaped children (the worker's git and step processes) included. */
function cpuOfProcess(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  // After "pid (comm) ": field 3 is the state, so utime, stime, cutime, cstime are at 11–14 (0-based).
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  return (ticks * 1000) / 100;
}

/** Deletes this run's keys. */
async function deleteKeys(prefix) {
  const { Redis } = await import('ioredis');
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/**
 * The two handoffs of every job of the run, from BullMQ's own times (when the job was added, when a worker took it,
 * when the worker finished it) and the executor's audit (when it accepted the completion, `queue.completed`).
 */
async function handoffs(project) {
  const { Queue } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const names = new Set();
  let cursor = '0';
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${project.prefix}:*:meta`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) names.add(key.slice(project.prefix.length + 1, -':meta'.length));
  } while (cursor !== '0');
  const jobs = [];
  for (const name of names) {
    const queue = new Queue(name, { connection, prefix: project.prefix });
    jobs.push(...(await queue.getJobs(['completed', 'failed'], 0, -1)));
    await queue.close();
  }
  connection.disconnect();
  const audit = readFileSync(path.join(project.executor, '.tapps-agents', 'audit', 'execution_audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.event === 'queue.completed');
  const seen = new Map(audit.map((entry) => [`${entry.run_id}/${entry.step_id}/${entry.attempt}`, Date.parse(entry.ts)]));
  const taken = jobs.filter((job) => job.processedOn !== undefined).map((job) => job.processedOn - job.timestamp);
  const returned = jobs.filter((job) => job.finishedOn !== undefined && seen.has(job.id)).map((job) => seen.get(job.id) - job.finishedOn);
  return { taken, returned };
}

/** Runs `workflow execute` in the project's executor clone with `workers` × `slots` workers; wall, CPU, handoffs. */
async function throughQueue({ workers, slots, steps, step, parallel = true, fanOutFromFirst = true }) {
  const project = queueProject(workers, slots, { 'wf.yaml': workflowYaml('bench', steps, step, { parallel, concurrency: Math.max(8, workers * slots), fanOutFromFirst }) });
  const started = [];
  try {
    for (const clone of project.clones) started.push(await startWorker(clone));
    const child = timedNode([CLI, 'workflow', 'execute', '--workflow', 'wf.yaml', '--json'], { cwd: project.executor, env: { ...process.env, NO_COLOR: '1' } });
    if (child.status !== 0) throw new Error(`workflow execute through the queue exited ${child.status}: ${child.stderr.slice(-2000)} ${child.stdout.slice(-3000)}`);
    const workersCpuMs = started.reduce((sum, worker) => sum + cpuOfProcess(worker.pid), 0);
    return { wallMs: child.wallMs, cpuMs: child.cpuMs, workersCpuMs, ...(await handoffs(project)) };
  } finally {
    await stopWorkers(started);
    await deleteKeys(project.prefix);
    rmSync(project.root, { recursive: true, force: true });
  }
}

/** The same workflow through the file transport with the embedded runner, in a fresh project. */
function throughFiles(steps) {
  const root = newProject('tapps-bench-queue-file-');
  try {
    writeFileSync(path.join(root, 'wf.yaml'), workflowYaml('bench', steps, NOOP));
    const child = timedNode([CLI, 'workflow', 'execute', '--workflow', 'wf.yaml', '--json', '--auto'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    if (child.status !== 0) throw new Error(`workflow execute through files exited ${child.status}: ${child.stderr.slice(-2000)} ${child.stdout.slice(-3000)}`);
    return { wallMs: child.wallMs, cpuMs: child.cpuMs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function latencyRow(name, values, target) {
  return { section: '8 queue', name, ...summary(values), unit: 'ms', p95: percentile(values, 95), p99: percentile(values, 99), target, load: loadavg()[0] };
}

/** The queue figures; returns table rows. */
export async function run({ quick = false } = {}) {
  const rows = [];
  const steps = quick ? 40 : 1000;
  const sleeps = quick ? 8 : 32;
  const one = (value) => ({ median: value, min: value, max: value, runs: 1 });

  const queued = await throughQueue({ workers: 4, slots: 2, steps, step: NOOP });
  const filed = throughFiles(steps);
  rows.push(latencyRow('queue handoff: job added → a worker takes it', queued.taken, 'p50 < 5, p99 < 50'));
  rows.push(latencyRow('queue handoff: worker finished → the executor accepts it', queued.returned, 'p50 < 5, p99 < 50'));
  rows.push({ section: '8 queue', name: `${steps} builtin no-op steps, 8-way, queue: 4 workers × 2 slots`, ...one(queued.wallMs / 1000), unit: 's', target: '—', stepsPerSecond: steps / (queued.wallMs / 1000), cpu: queued.cpuMs / 1000, workersCpu: queued.workersCpuMs / 1000, load: loadavg()[0] });
  rows.push({ section: '8 queue', name: `${steps} builtin no-op steps, 8-way, file transport + embedded runner`, ...one(filed.wallMs / 1000), unit: 's', target: '—', stepsPerSecond: steps / (filed.wallMs / 1000), cpu: filed.cpuMs / 1000, load: loadavg()[0] });
  const ratio = queued.wallMs / filed.wallMs;
  rows.push({ section: '8 queue', name: `ratio queue / file transport (${steps} no-op steps, 8-way)`, ...one(ratio), unit: '×', target: '≤ 1.5×', met: ratio <= 1.5, load: loadavg()[0] });

  const sleep = 'run: "sleep 1"';
  const wide = await throughQueue({ workers: 4, slots: 2, steps: sleeps, step: sleep, fanOutFromFirst: false });
  const narrow = await throughQueue({ workers: 1, slots: 1, steps: sleeps, step: sleep, fanOutFromFirst: false });
  rows.push({ section: '8 queue', name: `${sleeps} steps of sleep 1, queue: 4 workers × 2 slots`, ...one(wide.wallMs / 1000), unit: 's', target: '—', load: loadavg()[0] });
  rows.push({ section: '8 queue', name: `${sleeps} steps of sleep 1, queue: 1 worker × 1 slot`, ...one(narrow.wallMs / 1000), unit: 's', target: '—', load: loadavg()[0] });
  const scale = narrow.wallMs / wide.wallMs;
  rows.push({ section: '8 queue', name: `scale-out ratio (1 × 1 over 4 × 2, ${sleeps} steps of sleep 1)`, ...one(scale), unit: '×', target: '≥ 6×', met: scale >= 6, load: loadavg()[0] });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  for (const row of await run({ quick })) console.log(JSON.stringify(row));
}
