// Idle background agent: CPU time over a window (30 s; 10 s in --quick) and RSS, read from /proc/<pid>/stat and
// /proc/<pid>/status of a `background-agent start` daemon in a fresh initialised project.
// Usage: npm run build && node bench/idle-runner.mjs [--quick]   (or import { run } from here)

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { newProject, startAgent, stopAgent } from './workflow-scale.mjs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in milliseconds. */
function cpuMs(pid) {
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM). */
function memoryMb(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}

/** Samples an idle daemon; returns table rows. */
export async function run({ quick = false } = {}) {
  const windowMs = quick ? 10_000 : 30_000;
  const root = newProject('tapps-bench-idle-');
  const pid = startAgent(root);
  try {
    await new Promise((resolve) => setTimeout(resolve, 2000)); // past start-up
    const before = cpuMs(pid);
    const rss = [];
    const started = performance.now();
    while (performance.now() - started < windowMs) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rss.push(memoryMb(pid, 'VmRSS'));
    }
    const used = cpuMs(pid) - before;
    const elapsed = performance.now() - started;
    const percent = (used / elapsed) * 100;
    const load = loadavg()[0];
    return [
      { section: '6 idle runner', name: `idle background agent: CPU over ${windowMs / 1000} s (% of one core)`, median: percent, min: percent, max: percent, runs: 1, unit: '%', target: '~0 % (no busy polling)', met: percent < 2, cpuMs: used, load },
      { section: '6 idle runner', name: 'idle background agent: RSS (sampled every second)', median: [...rss].sort((a, b) => a - b)[Math.floor(rss.length / 2)], min: Math.min(...rss), max: Math.max(...rss), runs: rss.length, unit: 'MB', target: '< 80 MB', met: Math.max(...rss) < 80, peakMb: memoryMb(pid, 'VmHWM'), load },
    ];
  } finally {
    stopAgent(root);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(JSON.stringify(r));
}
