// The bench's regression guard (bench/check.mjs): ratios to the floors of the same run, a doubling caught, noise not.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type BenchRow, compare, RATIOS, ratiosOf, REGRESSION } from '../../bench/check.mjs';

type Row = BenchRow;
const report = (scale = 1): { rows: Row[] } => ({
  rows: [
    { name: 'floor: CPU of 1,000 JSON round trips of 2 KB', median: 10 },
    { name: 'node -e 0 (Node start alone)', median: 120, cpuMs: 80 },
    { name: 'tapps-agents --help', median: 190, cpuMs: 120 * scale },
    { name: 'tapps-agents --version', median: 180, cpuMs: 110 * scale },
    { name: 'tapps-agents auto-execution status', median: 220, cpuMs: 160 * scale },
    { name: 'builtin no-op step, inline transport', median: 2, cpuMs: 3 * scale },
    { name: 'builtin no-op step, file transport, skill in-process', median: 10, cpuMs: 9 * scale },
    { name: '40 builtin no-op steps, sequential, inline', median: 1.2, cpu: 0.8 * scale },
    { name: '40 builtin no-op steps, 8-way parallel, inline', median: 0.9, cpu: 0.7 * scale },
    { name: '40 builtin no-op steps, sequential, file transport + embedded runner', median: 2, cpu: 1.2 * scale },
    { name: '40 builtin no-op steps, 8-way parallel, file transport + embedded runner', median: 1.5, cpu: 1.1 * scale },
  ],
});

describe('bench regression guard', () => {
  it('divides CPU figures by the floor of the same run', () => {
    const ratios = ratiosOf(report());
    expect(Object.keys(ratios)).toEqual(RATIOS.map(({ id }) => id));
    expect(ratios['cold --help']).toBeCloseTo(1.5);
    expect(ratios['step file transport']).toBeCloseTo(0.9);
    // 0.8 s of CPU over 40 steps = 20 ms a step, over a 10 ms floor.
    expect(ratios['workflow sequential inline']).toBeCloseTo(2);
  });

  it('a machine twice as slow changes no ratio; a doubled cost regresses every one', () => {
    const slower = report();
    for (const row of slower.rows) {
      row.median *= 2;
      if (row.cpuMs !== undefined) row.cpuMs *= 2;
      if (row.cpu !== undefined) row.cpu *= 2;
    }
    expect(compare(ratiosOf(report()), ratiosOf(slower)).filter((row) => row.regressed)).toEqual([]);
    const verdict = compare(ratiosOf(report()), ratiosOf(report(2)));
    expect(verdict.every((row) => row.regressed && row.change === 2)).toBe(true);
    expect(compare(ratiosOf(report()), ratiosOf(report(REGRESSION * 0.95))).some((row) => row.regressed)).toBe(false);
  });

  it('the script says what is missing and exits 2; a regression exits 1 naming it', async () => {
    const bench = await mkdtemp(path.join(tmpdir(), 'tapps-bench-check-'));
    await cp(path.resolve(import.meta.dirname, '../../bench'), bench, { recursive: true, filter: (source) => !source.includes(`${path.sep}results${path.sep}`) && !source.endsWith(`${path.sep}results`) });
    const run = async (args: string[]) => promisify(execFile)(process.execPath, [path.join(bench, 'check.mjs'), ...args]).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: unknown) => {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      },
    );
    expect(await run([])).toMatchObject({ code: 2, stderr: 'bench check: no bench/results/latest.json; run "npm run bench -- --quick" first\n' });
    await mkdir(path.join(bench, 'results'));
    await writeFile(path.join(bench, 'results', 'latest.json'), JSON.stringify({ at: 'then', quick: true, ...report() }));
    expect((await run(['--update'])).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(bench, 'baseline.json'), 'utf8')) as unknown).toMatchObject({ quick: true, ratios: ratiosOf(report()) });
    const clean = await run([]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('bench check: no regression\n');
    const doubled = report();
    doubled.rows[6] = { ...doubled.rows[6], cpuMs: 18 } as Row;
    await writeFile(path.join(bench, 'results', 'latest.json'), JSON.stringify({ at: 'now', quick: true, ...doubled }));
    const regressed = await run([]);
    expect(regressed.code).toBe(1);
    expect(regressed.stdout).toContain('step file transport                 0.90 →      1.80  ×2.00  REGRESSED\n');
    expect(regressed.stdout).toContain('bench check: 1 regressed: step file transport\n');
    await writeFile(path.join(bench, 'results', 'latest.json'), JSON.stringify({ at: 'now', quick: false, ...report() }));
    expect(await run([])).toMatchObject({ code: 2, stderr: 'bench check: the baseline was measured with --quick and latest.json without; compare like with like\n' });
  });
});
