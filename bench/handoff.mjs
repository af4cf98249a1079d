// Handoff latency of the file protocol (PRODUCT.md §8): command written → claimed by a watching runner, status
// written → seen by the waiting transport, and a no-op step end to end. Event-driven, then with polling forced.
// Usage: npm run build && node bench/handoff.mjs [handoffs=500]

import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../dist/config/resolve.js';
import { writeCommandFile } from '../dist/protocol/command-file.js';
import { protocolPaths } from '../dist/protocol/paths.js';
import { formatStatus } from '../dist/protocol/status-file.js';
import { writeProtocolFile } from '../dist/protocol/write-file.js';
import { Runner } from '../dist/runner/runner.js';
import { FileTransport } from '../dist/transport/file.js';
import { createInlineTransport } from '../dist/transport/inline.js';

const N = Number(process.argv[2] ?? 500);
const polling = process.env.TAPPS_AGENTS_WATCH_POLLING === '1';
const POLL_MS = 100;

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5).toFixed(2), p95: at(0.95).toFixed(2), p99: at(0.99).toFixed(2), max: sorted.at(-1).toFixed(2) };
}

async function project() {
  const root = await mkdtemp(path.join(tmpdir(), 'tapps-bench-'));
  await writeFile(path.join(root, '.keep'), '');
  const resolved = await resolveConfig({ projectRoot: root });
  const config = { ...resolved, autoExecution: { ...resolved.autoExecution, polling: { ...resolved.autoExecution.polling, intervalMs: POLL_MS } } };
  return { root, config };
}

const attemptOf = (root, index, invocation = { agent: 'shell', action: 'run', params: { argv: ['true'] } }) => ({
  correlation: { workflow_id: 'bench', run_id: 'bench-run', step_id: `s${index}`, attempt: 1, created_at: new Date().toISOString() },
  invocation,
  stepDir: path.join(root, '.tapps-agents', 'workflow-state', 'bench-run', 'steps', `s${index}`),
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
    await writeProtocolFile(paths.statusFile, text, { durable: true });
    const writtenAt = performance.now();
    samples.push((await outcome) - writtenAt);
  }
  await rm(root, { recursive: true, force: true });
  return summary(samples);
}

/** A no-op step (`shell run true`) end to end through the file transport and the embedded runner, vs inline. */
async function noOpStep(kind) {
  const { root, config } = await project();
  const transport =
    kind === 'inline'
      ? createInlineTransport({ projectRoot: root, config, logger: { debug() {}, info() {}, warn() {}, error() {} } })
      : await (async () => {
          const runner = new Runner({ projectRoot: root, config, embedded: true });
          await runner.start();
          return new FileTransport({ projectRoot: root, config, embeddedRunner: runner });
        })();
  const samples = [];
  for (let index = 0; index < N; index++) {
    const attempt = attemptOf(root, index);
    await mkdir(attempt.stepDir, { recursive: true }); // the executor creates it before dispatching
    const started = performance.now();
    const outcome = await transport.run(attempt, new AbortController().signal);
    if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
    samples.push(performance.now() - started);
  }
  await transport.close();
  await rm(root, { recursive: true, force: true });
  return summary(samples);
}

const results = {
  mode: polling ? `polling forced (interval ${POLL_MS} ms)` : 'event-driven (fs.watch + rescan)',
  node: process.version,
  handoffs: N,
  'command written → claimed (ms)': await writeToClaim(),
  'status written → seen (ms)': await statusToSeen(),
};
if (!polling) {
  results['no-op step, inline transport (ms)'] = await noOpStep('inline');
  results['no-op step, file transport + embedded runner (ms)'] = await noOpStep('file');
}
console.log(JSON.stringify(results, null, 2));
