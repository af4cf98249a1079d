// The engine's cost per step against the disk's own floor, measured in the same run (issue 21, items 1 and 2):
// 1,000 builtin no-op steps sequential inline, sequential through the file transport with the embedded runner, and
// 8-way parallel through the file transport; each divided by a write + fsync + rename of 2 KB taken just before and
// just after it in the same directory tree. With --scale: the 10,000-step chain and the 100 × 100 fan-out against
// their 1,000-step counterparts (wall, CPU, peak RSS), and `workflow status` of the 10,000-step run.
// Usage: npm run build && node bench/step-floor.mjs [--runs=N] [--scale] [--only=inline,file,file8,chain,fanout]

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedNode } from './child-usage.mjs';
import { durableWrite } from './floors.mjs';
import { median, percentile } from './stats.mjs';
import { newProject } from './workflow-scale.mjs';

const CLI = fileURLToPath(new URL('../bin/tapps-agents.js', import.meta.url));
const STEP = 'agent: analyst, action: check-prerequisites, params: { env: [HOME] }';

/** Median milliseconds of `count` durable writes (write + fsync + rename of 2 KB) under `root`. */
function diskFloor(root, count = 200) {
  const dir = path.join(root, '.floor');
  mkdirSync(dir, { recursive: true });
  const times = Array.from({ length: count }, (_, index) => durableWrite(dir, index));
  return { median: median(times), p90: percentile(times, 90) };
}

/** A chain of `steps` no-op steps, or `parallel`-way: every step after the first needs only the first. */
function chain(steps, parallel) {
  const lines = ['steps:'];
  for (let index = 0; index < steps; index++) lines.push(`  - { id: s${index}, ${STEP}${parallel && index > 0 ? ', needs: [s0]' : ''} }`);
  return { header: parallel ? [`concurrency: ${parallel}`] : [], lines };
}

/**
 * `stages` stages of `width` parallel steps, each stage after a join step that needs every step of the one before.
 * Written compactly (flow style, short ids): 100 × 100 in the chain's style is over the loader's 1 MiB limit.
 */
function fanOut(stages, width) {
  const step = 'agent: analyst, action: check-prerequisites, params: {env: [HOME]}';
  const lines = ['steps:'];
  let join = null;
  for (let stage = 0; stage < stages; stage++) {
    const ids = [];
    for (let index = 0; index < width; index++) {
      const id = `a${stage * width + index}`;
      ids.push(id);
      lines.push(`- {id: ${id}, ${step}${join ? `, needs: ${join}` : ''}}`);
    }
    join = `j${stage}`;
    lines.push(`- {id: ${join}, ${step}, needs: [${ids.join(',')}]}`);
  }
  return { header: ['concurrency: 8'], lines };
}

function writeWorkflow(root, name, shape) {
  const id = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  const file = path.join(root, `${id}.yaml`);
  writeFileSync(file, `${[`id: ${id}`, `name: "${name}"`, ...shape.header, ...shape.lines].join('\n')}\n`);
  return file;
}

function execute(root, file, auto) {
  const child = timedNode([CLI, 'workflow', 'execute', '--workflow', file, '--json', auto ? '--auto' : '--no-auto'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  if (child.status !== 0) throw new Error(`workflow execute ${file} exited ${child.status}: ${child.stdout.slice(-2000)}${child.stderr.slice(-2000)}`);
  return { wallMs: child.wallMs, cpuMs: child.cpuMs, rssMb: child.rssMb, runId: /"runId":"([^"]+)"/.exec(child.stdout)?.[1] };
}

/** One timed run between two floor measurements; per-step figures and the ratio to the floor. */
function measure(name, shape, steps, auto, target) {
  const root = newProject('tapps-bench-floor-');
  const file = writeWorkflow(root, name, shape);
  const before = diskFloor(root);
  const result = execute(root, file, auto);
  const after = diskFloor(root);
  const floor = (before.median + after.median) / 2;
  const perStep = result.wallMs / steps;
  return { name, steps, wall_s: result.wallMs / 1000, cpu_s: result.cpuMs / 1000, rss_mb: result.rssMb, per_step_ms: perStep, cpu_per_step_ms: result.cpuMs / steps, floor_ms: floor, floor_before_ms: before.median, floor_after_ms: after.median, ratio: perStep / floor, target, met: target ? perStep / floor <= target : undefined, load: loadavg()[0], root, runId: result.runId };
}

/** Milliseconds of `workflow status RUN --json` in `root`, median of `runs`. */
function statusTime(root, runId, runs = 5) {
  const times = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, [CLI, 'workflow', 'status', runId, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
    if (child.status !== 0) throw new Error(`workflow status exited ${child.status}: ${child.stderr}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function run({ runs = 1, scale = false, only } = {}) {
  const rows = [];
  const wanted = (key) => !only || only.includes(key);
  for (let round = 0; round < runs; round++) {
    if (wanted('inline')) rows.push(measure('1000 sequential, inline', chain(1000), 1000, false, 4));
    if (wanted('file')) rows.push(measure('1000 sequential, file transport + embedded runner', chain(1000), 1000, true, 8));
    if (wanted('file8')) rows.push(measure('1000 8-way parallel, file transport + embedded runner', chain(1000, 8), 1000, true, 5));
  }
  if (scale) {
    if (wanted('chain')) {
      const small = measure('chain 1,000, inline', chain(1000), 1000, false);
      const large = measure('chain 10,000, inline', chain(10_000), 10_000, false);
      rows.push(small, { ...large, scale: large.wall_s / small.wall_s, cpu_scale: large.cpu_s / small.cpu_s, status_ms: statusTime(large.root, large.runId) });
    }
    if (wanted('fanout')) {
      const small = measure('fan-out 10 × 100, inline', fanOut(10, 100), 1010, false);
      const large = measure('fan-out 100 × 100, inline', fanOut(100, 100), 10_100, false);
      rows.push(small, { ...large, scale: large.wall_s / small.wall_s, cpu_scale: large.cpu_s / small.cpu_s, status_ms: statusTime(large.root, large.runId) });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? 1);
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice(7).split(',');
  for (const row of await run({ runs, scale: process.argv.includes('--scale'), only })) {
    const { root: _root, runId: _run, ...shown } = row;
    console.log(JSON.stringify(shown, (_key, value) => (typeof value === 'number' ? Number(value.toPrecision(4)) : value)));
  }
}
