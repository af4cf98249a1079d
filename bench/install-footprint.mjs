// What a user's `npm install tapps-agents` costs: the packed tarball installed with --omit=dev into a temp project
// (packages, bytes of node_modules), and the CPU time (user + system) of `--version` and `--help` of that installed
// copy, measured inside the child (process.cpuUsage at exit, via --require) so machine load barely moves it.
// Usage: node bench/install-footprint.mjs [package.tgz ...]   (default: `npm pack` of this checkout; build it first)

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, median } from './stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 15;

/** Installs `tarball` into a fresh project; returns the project directory. */
function install(tarball) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tapps-footprint-'));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"footprint","version":"1.0.0","private":true}\n');
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: dir, stdio: 'ignore' });
  return dir;
}

/** CPU milliseconds (user + system, all threads of the process) and wall milliseconds of one run of `argv`. */
function timeOf(argv, dir, hook) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--require', hook, ...argv], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wall = performance.now() - start;
  const line = result.stderr.split('\n').find((entry) => entry.startsWith('cpu-usage '));
  if (line === undefined) throw new Error(`no CPU figure from ${argv.join(' ')}: ${result.stderr}`);
  const { user, system } = JSON.parse(line.slice('cpu-usage '.length));
  return { cpu: (user + system) / 1000, wall };
}

function figures(samples) {
  const of = (key) => {
    const values = samples.map((sample) => sample[key]);
    return { median: Math.round(median(values) * 10) / 10, min: Math.round(Math.min(...values) * 10) / 10, max: Math.round(Math.max(...values) * 10) / 10 };
  };
  return { cpu_ms: of('cpu'), wall_ms: of('wall'), runs: samples.length };
}

function measure(tarball, hook) {
  const dir = install(tarball);
  const modules = path.join(dir, 'node_modules');
  const bytes = Number(execFileSync('du', ['-sb', modules], { encoding: 'utf8' }).split('\t')[0]);
  const onDisk = execFileSync('du', ['-sh', modules], { encoding: 'utf8' }).split('\t')[0];
  const packages = execFileSync('npm', ['ls', '--all', '--parseable', '--omit=dev'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').length - 1;
  const row = { tarball: path.basename(tarball), packages, node_modules_bytes: bytes, node_modules_du_h: onDisk };
  const bin = path.join(dir, 'node_modules', 'tapps-agents', 'bin', 'tapps-agents.js');
  for (const argv of [['-e', '0'], [bin, '--version'], [bin, '--help']]) {
    timeOf(argv, dir, hook); // warm the file cache
    row[argv[0] === bin ? `tapps-agents ${argv[1]}` : 'node -e 0'] = figures(Array.from({ length: RUNS }, () => timeOf(argv, dir, hook)));
  }
  return row;
}

const hookDir = mkdtempSync(path.join(tmpdir(), 'tapps-footprint-hook-'));
const hook = path.join(hookDir, 'cpu-hook.cjs');
writeFileSync(hook, "process.on('exit', () => require('node:fs').writeSync(2, `cpu-usage ${JSON.stringify(process.cpuUsage())}\\n`));\n");
let tarballs = process.argv.slice(2).map((file) => path.resolve(file));
if (tarballs.length === 0) {
  const packDir = mkdtempSync(path.join(tmpdir(), 'tapps-footprint-pack-'));
  execFileSync('npm', ['pack', '--pack-destination', packDir], { cwd: ROOT, stdio: 'ignore' });
  tarballs = readdirSync(packDir).map((file) => path.join(packDir, file));
}
const load = loadavg()[0];
console.log(JSON.stringify({ machine: machine(), load_1m: load, results: tarballs.map((tarball) => measure(tarball, hook)) }, null, 2));
