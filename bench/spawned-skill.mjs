// The spawned skill (background-agents.yaml global.in_process: false) against Node's bare start, interleaved in one
// run so both see the same machine: a builtin no-op step through the file transport with an embedded runner that
// spawns `tapps-agents workflow execute-skill-command` for it, then `node -e 0`, then Node loading the command's code
// and running nothing, round after round (issue 21, item 4).
// Usage: npm run build && node bench/spawned-skill.mjs [--runs=N]   (or import { run } from './spawned-skill.mjs')

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { importOnlyArgs } from './bundle.mjs';
import { resolveConfig } from '../dist/config/resolve.js';
import { Runner } from '../dist/runner/runner.js';
import { FileTransport } from '../dist/transport/file.js';
import { BUILTIN_NOOP, SPAWNED_RUNNER } from './step-fixtures.mjs';


function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, median: at(0.5), min: sorted[0], max: sorted.at(-1), p25: at(0.25), p75: at(0.75), p95: at(0.95) };
}

const timed = (args) => {
  const started = performance.now();
  execFileSync(process.execPath, args);
  return performance.now() - started;
};

/** Rounds of (spawned step, node -e 0, Node loading the command's code); medians and spreads of each. */
export async function run({ runs = 21 } = {}) {
  const root = await mkdtemp(path.join(tmpdir(), 'tapps-bench-spawned-'));
  await mkdir(path.join(root, '.cursor'), { recursive: true });
  await writeFile(path.join(root, '.cursor', 'background-agents.yaml'), SPAWNED_RUNNER);
  const config = await resolveConfig({ projectRoot: root });
  const runner = new Runner({ projectRoot: root, config, embedded: true });
  await runner.start();
  const transport = new FileTransport({ projectRoot: root, config, localRunner: () => Promise.resolve(runner) });
  const step = [], node = [], loaded = [];
  const load = importOnlyArgs('workflow-execute-skill-command-');
  const loadBefore = loadavg()[0];
  for (let index = -1; index < runs; index++) {
    const stepDir = path.join(root, '.tapps-agents', 'workflow-state', 'bench-run', 'steps', `s${index + 1}`);
    await mkdir(stepDir, { recursive: true });
    const attempt = {
      correlation: { workflow_id: 'bench', run_id: 'bench-run', step_id: `s${index + 1}`, attempt: 1, created_at: new Date().toISOString() },
      invocation: BUILTIN_NOOP, stepDir, protocolDir: stepDir, expectedArtifacts: [], inputs: {}, timeoutMs: 60_000, env: process.env,
    };
    const started = performance.now();
    const outcome = await transport.run(attempt, new AbortController().signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    const stepMs = performance.now() - started;
    const nodeMs = timed(['-e', '0']);
    const loadedMs = timed(load);
    if (index < 0) continue; // the first round warms the page cache
    step.push(stepMs); node.push(nodeMs); loaded.push(loadedMs);
  }
  await transport.close();
  await rm(root, { recursive: true, force: true });
  const over = step.map((ms, index) => ms - node[index]);
  return { load: [loadBefore, loadavg()[0]], step: summary(step), node: summary(node), loaded: summary(loaded), over: summary(over), loadedOver: summary(loaded.map((ms, index) => ms - node[index])) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 21);
  const r = await run({ runs });
  const f = (s) => `median ${s.median.toFixed(1)} ms  (${s.min.toFixed(1)} – ${s.max.toFixed(1)}, p25 ${s.p25.toFixed(1)}, p75 ${s.p75.toFixed(1)}, n ${s.n})`;
  console.log(`load ${r.load.map((l) => l.toFixed(2)).join(' → ')}`);
  console.log(`spawned skill step                      ${f(r.step)}`);
  console.log(`node -e 0                               ${f(r.node)}`);
  console.log(`node loading the command's code         ${f(r.loaded)}`);
  console.log(`step − node (paired per round)          ${f(r.over)}`);
  console.log(`code load − node (paired per round)     ${f(r.loadedOver)}`);
}
