// CLI cold start: wall time of `tapps-agents --help`, `--version` and `auto-execution status` as fresh processes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importOnlyArgs } from './bundle.mjs';
import { timedNode } from './child-usage.mjs';
import { median } from './stats.mjs';
import { ms, summary } from './stats.mjs';

const BIN = fileURLToPath(new URL('../bin/tapps-agents.js', import.meta.url));

/** Median CPU milliseconds of `runs` runs (measured apart from the wall-time runs: the reporting preload costs time). */
function cpuOf(args, cwd, runs) {
  return median(Array.from({ length: runs }, () => timedNode(args, { cwd, env: { ...process.env, NO_COLOR: '1' } }).cpuMs));
}

function time(args, cwd) {
  const start = performance.now();
  try {
    execFileSync(process.execPath, [BIN, ...args], { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  } catch {
    // Exit codes other than 0 (e.g. status on an empty project) still measure start-up.
  }
  return performance.now() - start;
}

/** Runs the cold-start benchmark; returns table rows. */
export async function run({ quick = false, project } = {}) {
  const cwd = project ?? mkdtempSync(path.join(tmpdir(), 'tapps-bench-cold-'));
  const runs = quick ? 7 : 21;
  const cpuRuns = quick ? 5 : 11;
  const nodeOnly = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    nodeOnly.push(performance.now() - start);
  }
  // The floor of --help: Node importing the argument parser (commander, with the Node modules it requires) and nothing else.
  const commander = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(process.execPath, importOnlyArgs('commander-'));
    commander.push(performance.now() - start);
  }
  const rows = [
    { name: 'node -e 0 (Node start alone)', ...summary(nodeOnly), unit: 'ms', target: '—', cpuMs: cpuOf(['-e', '0'], cwd, cpuRuns) },
    { name: 'Node + importing commander alone (floor of --help)', ...summary(commander), unit: 'ms', target: '—' },
  ];
  const cases = [
    [['--help'], '< 150 ms'],
    [['--version'], '< 150 ms'],
    [['auto-execution', 'status'], '< 250 ms'],
  ];
  for (const [args, target] of cases) {
    time(args, cwd); // warm the file cache
    const values = Array.from({ length: runs }, () => time(args, cwd));
    rows.push({ name: `tapps-agents ${args.join(' ')}`, ...summary(values), unit: 'ms', target, cpuMs: cpuOf([BIN, ...args], cwd, cpuRuns) });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run({ quick: process.argv.includes('--quick') })) {
    console.log(`${row.name.padEnd(40)} median ${ms(row.median)}  (${ms(row.min)} – ${ms(row.max)}, ${row.runs} runs)  target ${row.target}`);
  }
}
