#!/usr/bin/env node
// Times `auto-execution history --limit 50` and `auto-execution metrics` on a generated data set (bench/metrics-data.mjs):
// in-process query time (the library call) and whole-command time through the built CLI (Node start included), each
// as median and min–max over several runs, plus the CLI's peak RSS. Build first: npm run build.
// Usage: node bench/history-metrics.mjs <project-dir> [--runs 5]   (or import { run } from here)

import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { URL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summary } from './stats.mjs';
import { executionHistory, executionMetrics } from '../dist/observability/execution-queries.js';

const CLI = fileURLToPath(new URL('../bin/tapps-agents.js', import.meta.url));
// Reports the child's peak RSS on exit without changing what it does.
const PRELOAD = `data:text/javascript,${encodeURIComponent("process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nBENCH_MAXRSS_KB='+u.maxRSS+' BENCH_CPU_US='+(u.userCPUTime+u.systemCPUTime)+'\\n')})")}`;

async function inProcess(runs, fn) {
  const times = [];
  let result;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  return { times, result };
}

function wholeCommand(projectRoot, runs, args) {
  const times = [];
  const rss = [];
  const cpu = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const child = spawnSync(process.execPath, ['--import', PRELOAD, CLI, ...args], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    times.push(performance.now() - start);
    if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
    rss.push(Number(/BENCH_MAXRSS_KB=(\d+)/.exec(child.stderr)?.[1] ?? 0) / 1024);
    cpu.push(Number(/BENCH_CPU_US=(\d+)/.exec(child.stderr)?.[1] ?? 0) / 1000);
  }
  return { times, rss, cpu };
}

/** Times history and metrics on a project holding generated records; returns table rows (`records` names the data size). */
export async function run({ projectRoot, runs = 5, records = 1_000_000 }) {
  const rows = [];
  const size = records >= 1_000_000 ? `${records / 1_000_000}M` : `${records / 1000}k`;
  const history = await inProcess(runs, () => executionHistory({ projectRoot, limit: 50 }));
  const metrics = await inProcess(runs, () => executionMetrics({ projectRoot }));
  if (metrics.result.summary.total_executions !== records) throw new Error(`metrics counted ${metrics.result.summary.total_executions} records, expected ${records}`);
  const scale = records / 1_000_000;
  const row = (name, values, target, met, extra = {}) => rows.push({ section: '5 history/metrics', name: `${name} (${size} records)`, ...summary(values), unit: 'ms', target, met, load: loadavg()[0], ...extra });
  row('in-process history --limit 50', history.times, '< 100 ms', summary(history.times).median < 100);
  // The targets are for 1M records; a smaller (quick) data set gets no verdict.
  row('in-process metrics', metrics.times, scale === 1 ? '< 2 s' : '(1M records: < 2 s)', scale === 1 ? summary(metrics.times).median < 2000 : undefined);
  const h = wholeCommand(projectRoot, runs, ['auto-execution', 'history', '--limit', '50']);
  row('CLI auto-execution history --limit 50', h.times, '< 100 ms query + CLI start', undefined, { cpuMs: summary(h.cpu).median, rssMb: Math.max(...h.rss) });
  const m = wholeCommand(projectRoot, runs, ['auto-execution', 'metrics']);
  const mrss = Math.max(...m.rss);
  row('CLI auto-execution metrics', m.times, scale === 1 ? '< 2 s, < 100 MB RSS' : '(1M records: < 2 s, < 100 MB)', scale === 1 ? summary(m.times).median < 2000 && mrss < 100 : undefined, { cpuMs: summary(m.cpu).median, rssMb: mrss });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '5' }, records: { type: 'string', default: '1000000' } } });
  const projectRoot = positionals[0] === undefined ? undefined : path.resolve(positionals[0]);
  if (projectRoot === undefined) {
    process.stderr.write('usage: node bench/history-metrics.mjs <project-dir> [--runs 5] [--records 1000000]   (generate data with bench/metrics-data.mjs)\n');
    process.exit(2);
  }
  process.stdout.write(`Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}\n`);
  for (const r of await run({ projectRoot, runs: Number(values.runs), records: Number(values.records) })) {
    process.stdout.write(`${r.name.padEnd(56)} median ${r.median.toFixed(1)} ms  (${r.min.toFixed(1)} – ${r.max.toFixed(1)})${r.rssMb === undefined ? '' : `  peak RSS ${r.rssMb.toFixed(0)} MB`}\n`);
  }
}
