#!/usr/bin/env node
// Generates a metrics data set for the scale benchmark: N execution records (default 1,000,000) spread evenly over
// D daily files (default 30, ending today, UTC) in <dir>/.tapps-agents/metrics/, in the shape the observer writes.
// Usage: node bench/metrics-data.mjs <project-dir> [--records 1000000] [--days 30]

import { mkdir, open, rm } from 'node:fs/promises';
import process from 'node:process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { records: { type: 'string', default: '1000000' }, days: { type: 'string', default: '30' } },
});
const projectDir = positionals[0];
if (projectDir === undefined) {
  process.stderr.write('usage: node bench/metrics-data.mjs <project-dir> [--records N] [--days D]\n');
  process.exit(2);
}
const total = Number(values.records);
const days = Number(values.days);
const dir = path.join(path.resolve(projectDir), '.tapps-agents', 'metrics');
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true, mode: 0o700 });

const AGENTS = [
  ['analyst', 'gather-requirements'],
  ['architect', 'design-system'],
  ['implementer', 'implement-feature'],
  ['reviewer', 'review-code'],
  ['tester', 'run-tests'],
  ['documenter', 'write-docs'],
];
const STATUSES = ['success', 'success', 'success', 'success', 'success', 'success', 'success', 'failed', 'timeout', 'skipped'];
// A small deterministic PRNG, so every run generates the same data.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const perDay = Math.ceil(total / days);
let written = 0;
for (let d = days - 1; d >= 0; d--) {
  const dayStart = today - d * 86_400_000;
  const count = Math.min(perDay, total - written);
  const name = `executions_${new Date(dayStart).toISOString().slice(0, 10)}.jsonl`;
  const handle = await open(path.join(dir, name), 'w', 0o600);
  let batch = [];
  for (let i = 0; i < count; i++) {
    const n = written + i;
    const [agent, action] = AGENTS[n % AGENTS.length];
    const status = STATUSES[Math.floor(random() * STATUSES.length)];
    const duration = status === 'skipped' ? 0 : Math.round(200 + random() * random() * 60_000);
    const completed = dayStart + Math.floor((i / count) * 86_399_000);
    const runId = `wf-${n % 50}-${Math.floor(n / 6)}`;
    const stepId = `${agent}-step`;
    const attempt = random() < 0.1 ? 2 : 1;
    const record = {
      schemaVersion: 1,
      ts: new Date(completed).toISOString(),
      execution_id: `${runId}/${stepId}/${attempt}`,
      workflow_id: `wf-${n % 50}`,
      run_id: runId,
      step_id: stepId,
      agent,
      action,
      command: `@${agent} ${action} --target-file src/module_${n % 997}.ts`,
      status,
      duration_ms: duration,
      retry_count: attempt - 1,
      started_at: new Date(completed - duration).toISOString(),
      completed_at: new Date(completed).toISOString(),
      error_message: status === 'failed' ? 'exit code 1: tests failed' : status === 'timeout' ? 'timed out after 3600000 ms' : null,
      usage: n % 3 === 0 ? { engine: 'openai-compatible', model: 'gpt-4o-mini', input_tokens: 1200, output_tokens: 300, cost_usd: 0.00036 } : null,
    };
    batch.push(JSON.stringify(record));
    if (batch.length === 5000) {
      await handle.write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await handle.write(`${batch.join('\n')}\n`);
  await handle.close();
  written += count;
}
process.stdout.write(`wrote ${written} records in ${days} files to ${dir}\n`);
