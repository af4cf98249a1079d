// Telemetry's cost: CLI cold start and per-step time with tracing off (the default: nothing of OpenTelemetry is
// loaded) against a build without telemetry, and with tracing on (OTLP/HTTP to a receiver in this process).
// Runs alternate between the builds so machine load drifts into both alike.
// Usage: npm run build && node bench/telemetry-overhead.mjs --baseline=/path/to/other/checkout [--quick]
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
const COLD_RUNS = quick ? 7 : 21;
const WORKFLOW_RUNS = quick ? 3 : 7;
const STEPS = quick ? 40 : 200;
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
  const child = spawnSync(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wall = performance.now() - start;
  if (args[0] === 'workflow' && child.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return wall;
}

// spawnSync blocks this process's event loop, so the receiver answers only between runs: the traced runs use an async spawn.
function timedAsync(bin, args, cwd, env) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    import('node:child_process').then(({ spawn }) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', ...env } });
      child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(' ')} exited ${code}`))));
    });
  });
}

const builds = [['with telemetry', CURRENT], ...(baselineDir === undefined ? [] : [['without telemetry (baseline)', path.join(baselineDir, 'bin', 'tapps-agents.js')]])];
const loads = [loadavg()[0]];
const rows = [];
const cwd = project(CURRENT);
for (const args of [['--version'], ['--help'], ['auto-execution', 'status']]) {
  const values = new Map(builds.map(([name]) => [name, []]));
  for (const [, bin] of builds) timed(bin, args, cwd, OFF); // warm the file cache
  for (let run = 0; run < COLD_RUNS; run++) for (const [name, bin] of builds) values.get(name).push(timed(bin, args, cwd, OFF));
  for (const [name] of builds) rows.push({ name: `${args.join(' ')}: ${name}, tracing off`, ...summary(values.get(name)) });
}
loads.push(loadavg()[0]);
const perStep = new Map([...builds.map(([name]) => [`${name}, tracing off`, []]), ['with telemetry, tracing on (OTLP/HTTP)', []]]);
for (let run = 0; run < WORKFLOW_RUNS; run++) {
  for (const [name, bin] of builds) perStep.get(`${name}, tracing off`).push(timed(bin, ['workflow', 'execute', '--workflow', 'wf.yaml'], cwd, OFF) / STEPS);
  perStep.get('with telemetry, tracing on (OTLP/HTTP)').push((await timedAsync(CURRENT, ['workflow', 'execute', '--workflow', 'wf.yaml'], cwd, ON)) / STEPS);
}
for (const [name, values] of perStep) rows.push({ name: `${STEPS}-step inline workflow, per step: ${name}`, ...summary(values) });
loads.push(loadavg()[0]);
receiver.close();
for (const row of rows) console.log(`${row.name.padEnd(78)} median ${ms(row.median)}  (${ms(row.min)} – ${ms(row.max)}, ${row.runs} runs)`);
console.log(`load average (1 min) at start / after cold start / end: ${loads.map((load) => load.toFixed(2)).join(' / ')}; OTLP requests received: ${spansReceived}`);
