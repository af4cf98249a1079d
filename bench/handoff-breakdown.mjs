// Where the time of one no-op step through the file transport and the embedded runner goes: medians of the
// intervals between audit events (command.written, command.claimed, execution.started/completed) over 60 steps.
// Usage: npm run build && node bench/handoff-breakdown.mjs
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../dist/config/resolve.js';
import { Runner } from '../dist/runner/runner.js';
import { FileTransport } from '../dist/transport/file.js';
const root = await mkdtemp(path.join(tmpdir(), 'prof-'));
const config = await resolveConfig({ projectRoot: root });
const marks = {};
const observer = { recordExecution: () => Promise.resolve(), audit: (e) => { (marks[e.event] ??= []).push(performance.now()); return Promise.resolve(); }, logger: { debug() {}, info() {}, warn() {}, error() {} } };
const runner = new Runner({ projectRoot: root, config, embedded: true, observer });
await runner.start();
const t = new FileTransport({ projectRoot: root, config, localRunner: () => Promise.resolve(runner), observer });
const starts = [], ends = [];
for (let i = 0; i < 60; i++) {
  const stepDir = path.join(root, 's', `${i}`); await mkdir(stepDir, { recursive: true });
  starts.push(performance.now());
  await t.run({ correlation: { workflow_id: 'w', run_id: 'r', step_id: `s${i}`, attempt: 1, created_at: new Date().toISOString() }, invocation: { agent: 'shell', action: 'run', params: { argv: ['true'] } }, stepDir, protocolDir: stepDir, expectedArtifacts: [], inputs: {}, timeoutMs: 60000, env: process.env }, new AbortController().signal);
  ends.push(performance.now());
}
const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(2);
const d = (from, to) => med(from.map((v, i) => to[i] - v));
console.log('start→written', d(starts, marks['command.written']), 'written→claimed', d(marks['command.written'], marks['command.claimed']), 'claimed→exec.started', d(marks['command.claimed'], marks['execution.started']), 'started→completed', d(marks['execution.started'], marks['execution.completed']), 'completed→seen', d(marks['execution.completed'], ends), 'total', d(starts, ends));
await t.close();
