// `npm run bench`: every benchmark of PRODUCT.md §8 in one go. Prints a table (figure, median, min–max, runs, target,
// met?) with the machine and the load average at each figure, and writes bench/results/latest.json.
// Usage: npm run bench [-- --quick]   (--quick: smaller data and fewer runs, under 2 minutes; said in each row)
//        node bench/run.mjs --only=1-2,5   (some sections)   node bench/run.mjs --render   (latest.md from latest.json)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as coldStart } from './cold-start.mjs';
import { run as floors } from './floors.mjs';
import { run as handoff } from './handoff.mjs';
import { run as historyMetrics } from './history-metrics.mjs';
import { run as idleRunner } from './idle-runner.mjs';
import { run as queue } from './queue.mjs';
import { machine } from './stats.mjs';
import { run as workflowScale, sideBySide } from './workflow-scale.mjs';

const USAGE = `Usage: npm run bench [-- --quick] [-- --only=SECTIONS] [-- --render]
  --quick           smaller data sets and fewer runs (under 2 minutes); for spotting regressions, not for the record
  --only=0,1-2,3,4  run only these sections: 0 the machine's floors (disk write, Node start), 1-2 handoff and
                    per-step overhead, 3 1,000-step workflow, 4 CLI cold start, 5 history and metrics at scale,
                    6 idle runner daemon, 7 side by side, 8 the queue transport (only with --only=8: needs Redis on
                    127.0.0.1:6379, see bench/queue.mjs)
  --render          rewrite bench/results/latest.md from latest.json without measuring
Writes bench/results/latest.json and latest.md; docs/BENCHMARKS.md explains the figures.
npm run bench:check measures with --quick and compares ratios to the floors with bench/baseline.json (bench/check.mjs).
`;
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const known = /^--(quick|render|only=.+)$/;
const unknown = process.argv.slice(2).filter((arg) => !known.test(arg));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown option ${unknown.join(' ')}\n${USAGE}`);
  process.exit(2);
}
const quick = process.argv.includes('--quick');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const DATA_GENERATOR = fileURLToPath(new URL('./metrics-data.mjs', import.meta.url));

/** A project holding `records` generated execution records; the 1M set is kept in bench/results/ between runs. */
function dataProject(records) {
  const root = path.join(RESULTS, `data-${records}`);
  if (!existsSync(path.join(root, '.tapps-agents', 'config.yaml'))) {
    mkdirSync(root, { recursive: true });
    spawnSync(process.execPath, [fileURLToPath(new URL('../bin/tapps-agents.js', import.meta.url)), 'init'], { cwd: root });
    const made = spawnSync(process.execPath, [DATA_GENERATOR, root, '--records', String(records)], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error('generating the metrics data set failed');
  }
  return root;
}

if (process.argv.includes('--render')) {
  // Re-renders bench/results/latest.md from latest.json (no measuring).
  const saved = JSON.parse(readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
  writeFileSync(path.join(RESULTS, 'latest.md'), markdown(saved));
  process.stdout.write(markdown(saved));
  process.exit(0);
}

const sections = [
  ['0', "the machine's floors", () => floors({ quick })],
  ['1-2', 'handoff latency and per-step overhead', () => handoff({ quick })],
  ['3', '1,000-step workflow', () => workflowScale({ quick })],
  ['4', 'CLI cold start', async () => (await coldStart({ quick, project: dataProject(quick ? 100_000 : 1_000_000) })).map((row) => ({ section: '4 cold start', load: loadavg()[0], met: metTime(row), ...row }))],
  ['5', 'history and metrics at scale', () => historyMetrics({ projectRoot: dataProject(quick ? 100_000 : 1_000_000), runs: quick ? 3 : 7, records: quick ? 100_000 : 1_000_000 })],
  ['6', 'idle runner daemon', () => idleRunner({ quick })],
  ['7', 'side by side', () => sideBySide({ quick })],
  ['8', 'queue transport (Redis on 127.0.0.1:6379)', () => queue({ quick })],
];

/** Sections run only when named with --only: the queue needs a Redis server and takes minutes. */
const OPT_IN = new Set(['8']);

const wrongSections = (only ?? []).filter((id) => !sections.some(([known]) => known === id));
if (wrongSections.length > 0) {
  process.stderr.write(`bench: no section ${wrongSections.join(', ')}; the sections are ${sections.map(([id]) => id).join(', ')}\n`);
  process.exit(2);
}

/** Cold-start rows carry their target as text ("< 150 ms"). */
function metTime(row) {
  const limit = /< (\d+) ms/.exec(row.target)?.[1];
  return limit === undefined ? undefined : row.median < Number(limit);
}

function format(value, unit) {
  if (unit === 'ms') return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`;
  if (unit === 's') return `${value.toFixed(2)} s`;
  if (unit === '×') return `${value.toFixed(1)}×`;
  return `${value.toFixed(value >= 10 ? 0 : 2)} ${unit}`;
}

const host = machine();
process.stdout.write(`tapps-agents benchmarks${quick ? ' (--quick: smaller data sets and fewer runs)' : ''}\n`);
process.stdout.write(`Machine: ${host.cores} cores, ${host.cpu}, ${host.memory_gib} GiB, Node ${host.node}, ${host.platform}; load average at start ${loadavg().map((v) => v.toFixed(2)).join(' ')}\n\n`);
const rows = [];
const started = performance.now();
for (const [id, title, fn] of sections) {
  if (only !== undefined ? !only.includes(id) : OPT_IN.has(id)) continue;
  const t0 = performance.now();
  process.stderr.write(`[${id}] ${title}…\n`);
  const sectionRows = await fn();
  rows.push(...sectionRows);
  for (const row of sectionRows) printRow(row);
  process.stderr.write(`[${id}] ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

function printRow(row) {
  const met = row.met === undefined ? '' : row.met ? 'yes' : 'NO';
  const spread = row.runs > 1 ? `${format(row.min, row.unit)} – ${format(row.max, row.unit)}` : '';
  const tail = [
    row.p95 === undefined ? '' : `p95 ${format(row.p95, row.unit)} p99 ${format(row.p99, row.unit)}`,
    row.stepsPerSecond === undefined ? '' : `${row.stepsPerSecond.toFixed(0)} steps/s, CPU ${row.cpu.toFixed(2)} s`,
    row.cpuMs === undefined || row.stepsPerSecond !== undefined ? '' : `CPU ${format(row.cpuMs, 'ms')}`,
    row.rssMb === undefined ? '' : `RSS ${row.rssMb.toFixed(0)} MB`,
    `load ${row.load.toFixed(1)}`,
  ].filter(Boolean);
  process.stdout.write(`${row.name.padEnd(78)} ${format(row.median, row.unit).padStart(10)}  ${spread.padEnd(23)} ${String(row.runs).padStart(4)}  ${row.target.padEnd(28)} ${met.padEnd(4)} ${tail.join(', ')}\n`);
}

mkdirSync(RESULTS, { recursive: true });
const report = { at: new Date().toISOString(), quick, machine: host, seconds: (performance.now() - started) / 1000, rows };
writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(RESULTS, 'latest.md'), markdown(report));
process.stdout.write(`\n${rows.length} figures in ${report.seconds.toFixed(0)} s; written to bench/results/latest.json (and latest.md, the table for docs/BENCHMARKS.md)\n`);

/** The table as Markdown, for docs/BENCHMARKS.md. */
function markdown({ machine: m, at, quick: isQuick, rows: all }) {
  const lines = [
    `Measured ${at}${isQuick ? ' with --quick' : ''} on ${m.cores} cores (${m.cpu}), Node ${m.node}.`,
    '',
    '| figure | median | min – max | runs | target | met? | load avg | notes |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of all) {
    const notes = [
      row.p95 === undefined ? '' : `p95 ${format(row.p95, row.unit)}, p99 ${format(row.p99, row.unit)}`,
      row.stepsPerSecond === undefined ? '' : `${row.stepsPerSecond.toFixed(0)} steps/s, executor CPU ${row.cpu.toFixed(1)} s`,
      row.cpuMs === undefined || row.stepsPerSecond !== undefined ? '' : `CPU ${format(row.cpuMs, 'ms')}`,
      row.rssMb === undefined ? '' : `peak RSS ${row.rssMb.toFixed(0)} MB`,
    ].filter(Boolean);
    const spread = row.runs > 1 ? `${format(row.min, row.unit)} – ${format(row.max, row.unit)}` : '';
    const met = row.met === undefined ? '' : row.met ? 'yes' : '**no**';
    lines.push(`| ${row.name.replaceAll('|', '\\|')} | ${format(row.median, row.unit)} | ${spread} | ${row.runs} | ${row.target} | ${met} | ${row.load.toFixed(1)} | ${notes.join('; ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
