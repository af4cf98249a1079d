// Workflow throughput: a 1,000-step no-op workflow through the built CLI (`workflow execute`), sequential and 8-way
// parallel, with a builtin in-process no-op (analyst check-prerequisites of HOME) and with shell `run: "true"` steps;
// and the side-by-side figure (PRODUCT.md §8): a 20-step sequential workflow with a background agent that answers at
// once, event-driven versus polling forced at the default 5 s interval.
// Usage: npm run build && node bench/workflow-scale.mjs [--quick]   (or import { run, sideBySide } from here)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedNode } from './child-usage.mjs';
import { summary } from './stats.mjs';

const CLI = fileURLToPath(new URL('../bin/tapps-agents.js', import.meta.url));
const STEP = {
  builtin: 'agent: analyst, action: check-prerequisites, params: { env: [HOME] }',
  shell: 'run: "true"',
};

/** A fresh initialised project (git repository + `tapps-agents init`). */
export function newProject(prefix = 'tapps-bench-wf-') {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  spawnSync('git', ['init', '-q'], { cwd: root });
  const init = spawnSync(process.execPath, [CLI, 'init'], { cwd: root, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
  return root;
}

/** Writes a workflow of `steps` no-op steps; parallel: every step after the first needs only the first. */
function writeWorkflow(root, name, kind, steps, parallel) {
  const lines = [`id: ${name}`, `name: ${name}`, ...(parallel ? ['concurrency: 8'] : []), 'steps:'];
  for (let index = 0; index < steps; index++) {
    const needs = parallel && index > 0 ? ', needs: [s0]' : '';
    lines.push(`  - { id: s${index}, ${STEP[kind]}${needs} }`);
  }
  const file = path.join(root, `${name}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs `workflow execute` once; wall time, the executor's CPU time and peak RSS. */
function execute(root, file, args, env = {}) {
  const child = timedNode([CLI, 'workflow', 'execute', '--workflow', file, '--json', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env } });
  if (child.status !== 0) throw new Error(`workflow execute ${file} exited ${child.status}: ${child.stderr.slice(-2000)}`);
  return { wallMs: child.wallMs, cpuMs: child.cpuMs, rssMb: child.rssMb };
}

/** The 1,000-step workflow figures; returns table rows. */
export async function run({ quick = false } = {}) {
  const steps = quick ? 40 : 1000;
  const rows = [];
  const cases = [
    ['builtin', false, '--no-auto', 'inline'],
    ['builtin', true, '--no-auto', 'inline'],
    ['builtin', false, '--auto', 'file transport + embedded runner'],
    ['builtin', true, '--auto', 'file transport + embedded runner'],
    ['shell', false, '--no-auto', 'inline'],
    ['shell', true, '--no-auto', 'inline'],
  ];
  for (const [kind, parallel, auto, transport] of cases) {
    const runs = quick ? 1 : kind === 'builtin' && auto === '--no-auto' ? 3 : 2;
    const root = newProject();
    const file = writeWorkflow(root, `${kind}-${parallel ? 'par' : 'seq'}`, kind, steps, parallel);
    const results = [];
    for (let index = 0; index < runs; index++) results.push(execute(root, file, [auto]));
    const wall = summary(results.map((r) => r.wallMs / 1000));
    const cpu = summary(results.map((r) => r.cpuMs / 1000));
    const name = `${steps} ${kind === 'builtin' ? 'builtin no-op' : 'shell `true`'} steps, ${parallel ? '8-way parallel' : 'sequential'}, ${transport}`;
    rows.push({
      section: '3 workflow',
      name,
      ...wall,
      unit: 's',
      target: quick ? '< 2 s (1,000 steps: < 20 s)' : '< 20 s',
      met: wall.median < (quick ? 2 : 20),
      stepsPerSecond: steps / wall.median,
      cpu: cpu.median,
      rssMb: summary(results.map((r) => r.rssMb)).median,
      load: loadavg()[0],
    });
  }
  return rows;
}

function cli(root, args, env) {
  const child = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return child.stdout;
}

/** Starts the project's background agent; returns its pid. */
export function startAgent(root, env = {}) {
  cli(root, ['background-agent', 'start'], env);
  return JSON.parse(cli(root, ['background-agent', 'status', '--json'], env)).pid;
}

/** Stops the project's background agent. */
export function stopAgent(root) {
  cli(root, ['background-agent', 'stop'], {});
}

/** The side-by-side figure: one run each, event-driven versus polling forced (5 s interval); returns table rows. */
export async function sideBySide({ quick = false } = {}) {
  const steps = quick ? 3 : 20;
  const times = {};
  for (const forced of [false, true]) {
    const env = forced ? { TAPPS_AGENTS_WATCH_POLLING: '1' } : {};
    const root = newProject();
    const file = writeWorkflow(root, 'side-by-side', 'builtin', steps, false);
    startAgent(root, env);
    try {
      times[forced ? 'polling' : 'events'] = execute(root, file, ['--auto'], env);
    } finally {
      stopAgent(root);
    }
  }
  const ratio = times.polling.wallMs / times.events.wallMs;
  const one = (value) => ({ median: value, min: value, max: value, runs: 1 });
  return [
    { section: '7 side by side', name: `${steps}-step workflow, background agent, event-driven`, ...one(times.events.wallMs / 1000), unit: 's', target: '—', load: loadavg()[0] },
    { section: '7 side by side', name: `${steps}-step workflow, background agent, polling forced (5 s)`, ...one(times.polling.wallMs / 1000), unit: 's', target: '—', load: loadavg()[0] },
    { section: '7 side by side', name: `ratio polling / event-driven (${steps} steps)`, ...one(ratio), unit: '×', target: '(the point of the product)', load: loadavg()[0] },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  for (const r of [...(await run({ quick })), ...(await sideBySide({ quick }))]) console.log(JSON.stringify(r));
}
