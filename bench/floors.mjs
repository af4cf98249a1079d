// The machine's own floors, measured in the same run as the figures they divide (bench/check.mjs): the CPU time of a
// fixed piece of work (JSON round trips of a 2 KB record, the engine's daily bread), and the disk's durable write (2 KB
// written, fsynced and renamed into place, as the protocol writes a command or status file). The guard divides CPU
// times by the CPU floor: CPU time barely moves when the machine is busy, while wall times and fsyncs move tenfold
// (docs/BENCHMARKS.md, "Regression guard").
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { summary } from './stats.mjs';

const PAYLOAD = Buffer.alloc(2048, 'x');
const RECORD = { run_id: 'wf-1', step_id: 's1', attempt: 1, status: 'succeeded', outputs: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, 'v'.repeat(40)])) };

/** Milliseconds of one write + fsync + rename of 2 KB in `dir`. */
export function durableWrite(dir, index) {
  const started = performance.now();
  const temporary = path.join(dir, `.f${index}.tmp`);
  const fd = openSync(temporary, 'w');
  writeSync(fd, PAYLOAD);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temporary, path.join(dir, `f${index % 8}.json`));
  return performance.now() - started;
}

/** CPU milliseconds of 1,000 JSON round trips of a 2 KB record. */
function jsonWork() {
  const started = process.cpuUsage();
  let size = 0;
  for (let index = 0; index < 1000; index++) size += JSON.stringify(JSON.parse(JSON.stringify({ ...RECORD, attempt: index }))).length;
  const used = process.cpuUsage(started);
  if (size === 0) throw new Error('unreachable: keeps the work from being optimised away');
  return (used.user + used.system) / 1000;
}

/** The floors as table rows (section "0 floors"). */
export async function run({ quick = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tapps-bench-floor-'));
  try {
    for (let index = 0; index < 20; index++) jsonWork(); // warm the JIT
    const cpu = Array.from({ length: quick ? 31 : 101 }, jsonWork);
    const writes = Array.from({ length: quick ? 200 : 1000 }, (_, index) => durableWrite(dir, index));
    return [
      { section: '0 floors', name: 'floor: CPU of 1,000 JSON round trips of 2 KB', ...summary(cpu), unit: 'ms', target: '—', load: loadavg()[0] },
      { section: '0 floors', name: 'floor: write + fsync + rename of 2 KB', ...summary(writes), unit: 'ms', target: '—', load: loadavg()[0] },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
