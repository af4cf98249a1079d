// Telemetry's cost: CLI cold start and per-step time with tracing off (the default: nothing of OpenTelemetry is
// loaded) against a build without telemetry, and with tracing on (OTLP/HTTP to a receiver in this process).
// Runs alternate between the builds so machine load drifts into both alike.
// Usage: npm run build && node bench/telemetry-overhead.mjs --baseline=/path/to/other/checkout [--quick] [--steps-only]
//   (the baseline is another checkout, built, e.g. `git archive <commit> | tar -x -C dir`, node_modules linked)

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ms, summary } from './stats.mjs';

const CURRENT = fileURLToPath(new URL('../bin/tapps-agents.js', import.meta.url));
const baselineDir = process.argv.find((arg) => arg.startsWith('--baseline='))?.slice('--baseline='.length);
const quick = process.argv.includes('--quick');
const stepsOnly = process.argv.includes('--steps-only');
// Reports the child's CPU time on exit without changing what it does: steadier than wall time on a loaded machine.
const PRELOAD = `data:text/javascript,${encodeURIComponent("process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nBENCH_CPU_US='+(u.userCPUTime+u.systemCPUTime)+'\\n')})")}`;
const COLD_RUNS = quick ? 7 : 21;
const WORKFLOW_RUNS = quick ? 3 : 7;
const STEPS = quick ? 40 : 100;
const OFF = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', OTEL_TRACES_EXPORTER: '' };

// Spans have somewhere to go, as with a local collector; the bodies are dropped.
let spansReceived = 0;
const receiver = createServer((request, response) => {
  request.on('data', () => undefined);
  request.on('end', () => {
    spansReceived++;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const ON = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.address().port}`, OTEL_TRACES_EXPORTER: '' };

function project(bin) {
  const root = mkdtempSync(path.join(tmpdir(), 'tapps-bench-otel-'));
  spawnSync('git', ['init', '-q'], { cwd: root });
  spawnSync(process.execPath, [bin, 'init'], { cwd: root, encoding: 'utf8' });
  const lines = ['id: noop', 'name: noop', 'steps:'];
  for (let index = 0; index < STEPS; index++) lines.push(`  - { id: s${index}, agent: analyst, action: check-prerequisites, params: { env: [HOME] } }`);
  writeFileSync(path.join(root, 'wf.yaml'), `${lines.join('\n')}\n`);
  return root;
}

function timed(bin, args, cwd, env) {
  const start = performance.now();
  const child = spawnSync(process.execPath, [...(args[0] === 'workflow' ? ['--import', PRELOAD] : []), bin, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wall = performance.now() - start;
  if (args[0] === 'workflow' && child.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return args[0] === 'workflow' ? { wall, cpu: Number(/BENCH_CPU_US=(\d+)/.exec(child.stderr)?.[1] ?? 0) / 1000 } : wall;
}

// spawnSync blocks this process's event loop, so the receiver answers only between runs: the traced runs use an async spawn.
function timedAsync(bin, args, cwd, env) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    import('node:child_process').then(({ spawn }) => {
      const child = spawn(process.execPath, ['--import', PRELOAD, bin, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      child.on('exit', (code) => (code === 0 ? resolve({ wall: performance.now() - start, cpu: Number(/BENCH_CPU_US=(\d+)/.exec(stderr)?.[1] ?? 0) / 1000 }) : reject(new Error(`${args.join(' ')} exited ${code}`))));
    });
  });
}

const builds = [['with telemetry', CURRENT], ...(baselineDir === undefined ? [] : [['without telemetry (baseline)', path.join(baselineDir, 'bin', 'tapps-agents.js')]])];
const loads = [loadavg()[0]];
const rows = [];
const cwd = project(CURRENT);
for (const args of stepsOnly ? [] : [['--version'], ['--help'], ['auto-execution', 'status']]) {
  const values = new Map(builds.map(([name]) => [name, []]));
  for (const [, bin] of builds) timed(bin, args, cwd, OFF); // warm the file cache
  for (let run = 0; run < COLD_RUNS; run++) for (const [name, bin] of builds) values.get(name).push(timed(bin, args, cwd, OFF));
  for (const [name] of builds) rows.push({ name: `${args.join(' ')}: ${name}, tracing off`, ...summary(values.get(name)) });
}
loads.push(loadavg()[0]);
const variants = [...builds.map(([name]) => `${name}, tracing off`), 'with telemetry, tracing on (OTLP/HTTP)'];
const wall = new Map(variants.map((name) => [name, []]));
const cpu = new Map(variants.map((name) => [name, []]));
const add = (name, result) => {
  wall.get(name).push(result.wall / STEPS);
  cpu.get(name).push(result.cpu / STEPS);
};
for (let run = 0; run < WORKFLOW_RUNS; run++) {
  for (const [name, bin] of builds) add(`${name}, tracing off`, timed(bin, ['workflow', 'execute', '--workflow', 'wf.yaml'], cwd, OFF));
  add('with telemetry, tracing on (OTLP/HTTP)', await timedAsync(CURRENT, ['workflow', 'execute', '--workflow', 'wf.yaml'], cwd, ON));
}
for (const name of variants) {
  rows.push({ name: `${STEPS}-step inline workflow, wall per step: ${name}`, ...summary(wall.get(name)) });
  rows.push({ name: `${STEPS}-step inline workflow, executor CPU per step: ${name}`, ...summary(cpu.get(name)) });
}
loads.push(loadavg()[0]);
receiver.close();
for (const row of rows) console.log(`${row.name.padEnd(78)} median ${ms(row.median)}  (${ms(row.min)} – ${ms(row.max)}, ${row.runs} runs)`);
console.log(`load average (1 min) at start / after cold start / end: ${loads.map((load) => load.toFixed(2)).join(' / ')}; OTLP requests received: ${spansReceived}`);
