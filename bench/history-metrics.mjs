#!/usr/bin/env node
// Times `auto-execution history --limit 50` and `auto-execution metrics` on a generated data set (bench/metrics-data.mjs):
// in-process query time (the library call) and whole-command time through the built CLI (Node start included), each
// as median and min–max over several runs, plus the CLI's peak RSS. Build first: npm run build.
// Usage: node bench/history-metrics.mjs <project-dir> [--runs 5]

import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { URL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { executionHistory, executionMetrics } from '../dist/observability/execution-queries.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '5' } } });
const projectRoot = positionals[0] === undefined ? undefined : path.resolve(positionals[0]);
if (projectRoot === undefined) {
  process.stderr.write('usage: node bench/history-metrics.mjs <project-dir> [--runs 5]   (generate data with bench/metrics-data.mjs)\n');
  process.exit(2);
}
const runs = Number(values.runs);
const CLI = fileURLToPath(new URL('../bin/tapps-agents.js', import.meta.url));
// Reports the child's peak RSS on exit without changing what it does.
const PRELOAD = `data:text/javascript,${encodeURIComponent("process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nBENCH_MAXRSS_KB='+u.maxRSS+' BENCH_CPU_US='+(u.userCPUTime+u.systemCPUTime)+'\\n')})")}`;

const stats = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
};
const ms = (value) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const show = (label, numbers, unit = ms) => {
  const { median, min, max } = stats(numbers);
  process.stdout.write(`${label.padEnd(44)} median ${unit(median).padStart(9)}   min–max ${unit(min)} – ${unit(max)}\n`);
};

async function inProcess(label, fn) {
  const times = [];
  let result;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  show(`in-process  ${label}`, times);
  return result;
}

function wholeCommand(label, args) {
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
  show(`CLI         ${label}`, times);
  show(`CLI         ${label} CPU (user+sys)`, cpu);
  show(`CLI         ${label} peak RSS`, rss, (mb) => `${mb.toFixed(0)} MB`);
}

process.stdout.write(`Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}, ${runs} runs each\n`);
const history = await inProcess('history --limit 50', () => executionHistory({ projectRoot, limit: 50 }));
const metrics = await inProcess('metrics', () => executionMetrics({ projectRoot }));
process.stdout.write(`(history returned ${history.records.length} records; metrics counted ${metrics.summary.total_executions} in ${metrics.summary.files_read} files)\n`);
wholeCommand('--version (Node start + CLI load)', ['--version']);
wholeCommand('auto-execution history --limit 50', ['auto-execution', 'history', '--limit', '50']);
wholeCommand('auto-execution metrics', ['auto-execution', 'metrics']);
