// Handoff latency of the file protocol (PRODUCT.md §8): command written → claimed by a watching runner, status
// written → seen by the waiting transport, and a no-op step end to end. Event-driven, then with polling forced.
// Also the overhead of a no-op step through the file transport, with the skill in the runner's process and in a spawned
// one (background-agents.yaml global.in_process: false).
// Usage: npm run build && node bench/handoff.mjs [--quick]   (or import { run } from './handoff.mjs')

import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { importOnlyArgs } from './bundle.mjs';
import { resolveConfig } from '../dist/config/resolve.js';
import { writeCommandFile } from '../dist/protocol/command-file.js';
import { protocolPaths } from '../dist/protocol/paths.js';
import { formatStatus } from '../dist/protocol/status-file.js';
import { writeFileAtomically } from '../dist/fs/atomic-write.js';
import { Runner } from '../dist/runner/runner.js';
import { FileTransport } from '../dist/transport/file.js';
import { createInlineTransport } from '../dist/transport/inline.js';
import { BUILTIN_NOOP, SPAWNED_RUNNER } from './step-fixtures.mjs';

let N = 500;
let polling = false;
const POLL_MS = 100;
const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), min: sorted[0], max: sorted.at(-1), median: at(0.5) };
}

async function project(files = {}) {
  const root = await mkdtemp(path.join(tmpdir(), 'tapps-bench-'));
  await writeFile(path.join(root, '.keep'), '');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  const resolved = await resolveConfig({ projectRoot: root });
  const config = { ...resolved, autoExecution: { ...resolved.autoExecution, polling: { ...resolved.autoExecution.polling, intervalMs: POLL_MS } } };
  return { root, config };
}

const attemptOf = (root, index, invocation = { agent: 'shell', action: 'run', params: { argv: ['true'] } }) => ({
  correlation: { workflow_id: 'bench', run_id: 'bench-run', step_id: `s${index}`, attempt: 1, created_at: new Date().toISOString() },
  invocation,
  stepDir: path.join(root, '.tapps-agents', 'workflow-state', 'bench-run', 'steps', `s${index}`),
  protocolDir: path.join(root, '.tapps-agents', 'workflow-state', 'bench-run', 'steps', `s${index}`),
  expectedArtifacts: [],
  inputs: {},
  timeoutMs: 60_000,
  env: process.env,
});

/** Command written (rename done) → claimed by a watching runner (its command.claimed audit). */
async function writeToClaim() {
  const { root, config: fast } = await project();
  // The runner rescans at the default interval when events work (its rescan walks every watched directory), and at
  // the fast interval when polling is forced (then the rescan is all it has).
  const config = polling ? fast : { ...fast, autoExecution: { ...fast.autoExecution, polling: { ...fast.autoExecution.polling, intervalMs: 5000 } } };
  const claimed = new Map();
  const observer = {
    recordExecution: () => Promise.resolve(),
    audit: (event) => {
      if (event.event === 'command.claimed') claimed.get(event.step_id)?.(performance.now());
      return Promise.resolve();
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const runner = new Runner({ projectRoot: root, config, observer, singleton: false });
  await runner.start();
  const samples = [];
  for (let index = 0; index < N; index++) {
    const attempt = attemptOf(root, index);
    const file = protocolPaths(attempt.stepDir).commandFile;
    // The step directory exists before the command is written, as it does for a run's steps.
    await mkdir(path.dirname(file), { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 5)); // let the runner see the new directory first
    const seen = new Promise((resolve) => claimed.set(`s${index}`, resolve));
    await writeCommandFile(file, { invocation: attempt.invocation, correlation: { ...attempt.correlation, expected_artifacts: [] }, worktreePath: attempt.stepDir, instructions: '', timeoutMs: 60_000, inputs: {} });
    const written = performance.now();
    samples.push((await seen) - written);
    await runner.idle();
  }
  await runner.stop({ graceMs: 0 });
  await rm(root, { recursive: true, force: true });
  return summary(samples);
}

/** Status written (rename done) → the waiting file transport resolves. */
async function statusToSeen() {
  const { root, config } = await project();
  const transport = new FileTransport({ projectRoot: root, config, manual: true });
  const samples = [];
  for (let index = 0; index < N; index++) {
    const attempt = attemptOf(root, index);
    const paths = protocolPaths(attempt.stepDir);
    const outcome = transport.run(attempt, new AbortController().signal).then(() => performance.now());
    // Wait until the command file is there (the transport is then waiting), as a runner would.
    while (await access(paths.commandFile).then(() => false, () => true)) await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 2));
    const text = formatStatus({ status: 'completed', correlation: attempt.correlation, command: '@shell run', startedAt: new Date().toISOString(), runner: { id: 'bench', pid: process.pid, host: 'bench' } });
    await writeFileAtomically(paths.statusFile, text);
    const writtenAt = performance.now();
    samples.push((await outcome) - writtenAt);
  }
  await rm(root, { recursive: true, force: true });
  return summary(samples);
}

const SHELL_TRUE = { agent: 'shell', action: 'run', params: { argv: ['true'] } };

/** A no-op step end to end: inline transport, or the file transport and an embedded runner (skill in-process or spawned). */
async function noOpStep(kind, invocation, steps) {
  const { root, config: base } = await project(kind === 'file-spawned' ? { '.cursor/background-agents.yaml': SPAWNED_RUNNER } : {});
  const config = kind === 'file-spawned' ? await resolveConfig({ projectRoot: root }) : base;
  const transport =
    kind === 'inline'
      ? createInlineTransport({ projectRoot: root, config, logger: SILENT })
      : await (async () => {
          const runner = new Runner({ projectRoot: root, config, embedded: true });
          await runner.start();
          return new FileTransport({ projectRoot: root, config, localRunner: () => Promise.resolve(runner) });
        })();
  const samples = [];
  const cpuBefore = process.cpuUsage();
  for (let index = 0; index < steps; index++) {
    const attempt = attemptOf(root, index, invocation);
    await mkdir(attempt.stepDir, { recursive: true }); // the executor creates it before dispatching
    const started = performance.now();
    const outcome = await transport.run(attempt, new AbortController().signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    samples.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  await transport.close();
  await rm(root, { recursive: true, force: true });
  return { ...summary(samples), cpuPerStepMs: (cpu.user + cpu.system) / 1000 / steps };
}

/** Runs the handoff and per-step overhead benchmarks; returns table rows (milliseconds). */
export async function run({ quick = false } = {}) {
  const rows = [];
  const row = (section, name, s, target, met, extra = {}) =>
    rows.push({ section, name, median: s.median, min: s.min, max: s.max, runs: s.n, p50: s.p50, p95: s.p95, p99: s.p99, unit: 'ms', target, met, load: loadavg()[0], ...extra });
  const latencyTarget = (s) => s.p50 < 5 && s.p99 < 50;
  for (const forced of [false, true]) {
    polling = forced;
    const previous = process.env.TAPPS_AGENTS_WATCH_POLLING;
    if (forced) process.env.TAPPS_AGENTS_WATCH_POLLING = '1';
    else delete process.env.TAPPS_AGENTS_WATCH_POLLING;
    N = quick ? (forced ? 40 : 200) : 500;
    const mode = forced ? `polling forced, ${POLL_MS} ms` : 'event-driven';
    const claim = await writeToClaim();
    row('1 handoff', `command written → claimed (${mode})`, claim, forced ? '(fallback)' : 'p50 < 5, p99 < 50', forced ? undefined : latencyTarget(claim), { percentiles: true });
    const seen = await statusToSeen();
    row('1 handoff', `status written → seen (${mode})`, seen, forced ? '(fallback)' : 'p50 < 5, p99 < 50', forced ? undefined : latencyTarget(seen), { percentiles: true });
    if (previous === undefined) delete process.env.TAPPS_AGENTS_WATCH_POLLING;
    else process.env.TAPPS_AGENTS_WATCH_POLLING = previous;
  }
  polling = false;
  const steps = quick ? 60 : 300;
  for (const [label, invocation] of [['builtin no-op', BUILTIN_NOOP], ['shell `true`', SHELL_TRUE]]) {
    const inline = await noOpStep('inline', invocation, steps);
    const file = await noOpStep('file', invocation, steps);
    row('2 step overhead', `${label} step, inline transport`, inline, '—', undefined, { cpuMs: inline.cpuPerStepMs });
    row('2 step overhead', `${label} step, file transport, skill in-process`, file, '—', undefined, { cpuMs: file.cpuPerStepMs });
    const overhead = file.median - inline.median;
    rows.push({ section: '2 step overhead', name: `${label}: file transport overhead (median file − inline)`, median: overhead, min: overhead, max: overhead, runs: steps, unit: 'ms', target: '< 15 ms', met: overhead < 15, load: loadavg()[0], cpuMs: file.cpuPerStepMs - inline.cpuPerStepMs });
  }
  const spawnedSteps = quick ? 5 : 30;
  const spawned = await noOpStep('file-spawned', BUILTIN_NOOP, spawnedSteps);
  // The floor, taken at the same moment: Node alone, Node loading only the validation library (zod), and Node
  // loading the code the spawned command loads (its chunk and everything it imports) without running anything.
  const timed = (args) => {
    const samples = [];
    for (let index = 0; index < spawnedSteps; index++) {
      const started = performance.now();
      execFileSync(process.execPath, args);
      samples.push(performance.now() - started);
    }
    return summary(samples);
  };
  const node = timed(['-e', '0']);
  const zod = timed(importOnlyArgs('zod-'));
  const loaded = timed(importOnlyArgs('workflow-execute-skill-command-'));
  row('2 step overhead', 'builtin no-op step, file transport, skill in a spawned process', spawned, 'Node start + < 30 ms', spawned.median - node.median < 30, { cpuMs: spawned.cpuPerStepMs });
  row('2 step overhead', '  Node start alone (node -e 0), same moment', node, '—', undefined);
  row('2 step overhead', '  Node + importing zod alone (floor of a validated step)', zod, '—', undefined);
  row('2 step overhead', "  Node + loading the command's code, running nothing", loaded, '—', undefined);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) {
    console.log(`${r.name.padEnd(70)} median ${r.median.toFixed(2)} ms  (${r.min.toFixed(2)} – ${r.max.toFixed(2)}, ${r.runs})${r.percentiles ? `  p95 ${r.p95.toFixed(2)} p99 ${r.p99.toFixed(2)}` : ''}`);
  }
}
