// The regression guard (issue 21): compares ratios of this run's figures to floors measured in the same run (never
// absolute times) against bench/baseline.json, and fails when one has grown by REGRESSION or more.
// Usage: npm run bench:check                 (= node bench/check.mjs --measure: measures with --quick, then checks;
//                                             a ratio that looks regressed is measured once more and the lower kept)
//        node bench/check.mjs [--update]     (checks bench/results/latest.json; --update makes it the baseline)
// Exit codes: 0 no regression, 1 a ratio regressed, 2 the figures or the baseline are missing or not comparable.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A ratio this many times its baseline is a regression: a doubling is caught, the noise of a busy minute is not. */
export const REGRESSION = 1.8;
const LATEST = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline.json', import.meta.url));
const CPU = 'floor: CPU of 1,000 JSON round trips of 2 KB';
const NODE = 'node -e 0 (Node start alone)';

/** CPU milliseconds per step of a workflow row ("40 builtin no-op steps, …", executor CPU in seconds). */
const cpuPerStep = (row) => (row.cpu * 1000) / Number(/^(\d+) /.exec(row.name)?.[1]);
const cpuMs = (row) => row.cpuMs;

// What is divided by what: CPU times (not wall times, which a busy minute multiplies) over a CPU floor of the same run —
// start-up over Node's own start-up, a step's cost over the fixed JSON work. Latencies are left to the full bench:
// they follow the machine's load, and no ratio of them stays put on a busy 2-core machine.
export const RATIOS = [
  { id: 'cold --help', figure: /^tapps-agents --help$/, floor: NODE, value: cpuMs },
  { id: 'cold --version', figure: /^tapps-agents --version$/, floor: NODE, value: cpuMs },
  { id: 'cold auto-execution status', figure: /^tapps-agents auto-execution status$/, floor: NODE, value: cpuMs },
  { id: 'step inline', figure: /^builtin no-op step, inline transport$/, floor: CPU, value: cpuMs },
  { id: 'step file transport', figure: /^builtin no-op step, file transport, skill in-process$/, floor: CPU, value: cpuMs },
  { id: 'workflow sequential inline', figure: /^\d+ builtin no-op steps, sequential, inline$/, floor: CPU, value: cpuPerStep },
  { id: 'workflow 8-way inline', figure: /^\d+ builtin no-op steps, 8-way parallel, inline$/, floor: CPU, value: cpuPerStep },
  { id: 'workflow sequential file', figure: /^\d+ builtin no-op steps, sequential, file transport/, floor: CPU, value: cpuPerStep },
  { id: 'workflow 8-way file', figure: /^\d+ builtin no-op steps, 8-way parallel, file transport/, floor: CPU, value: cpuPerStep },
];

/** The ratios of a bench report, by id; a ratio whose figure or floor was not measured is absent. */
export function ratiosOf(report) {
  const byName = new Map(report.rows.map((row) => [row.name, row]));
  const ratios = {};
  for (const { id, figure, floor, value } of RATIOS) {
    const row = report.rows.find((candidate) => figure.test(candidate.name));
    const base = byName.get(floor);
    const denominator = base?.cpuMs ?? base?.median;
    if (row !== undefined && denominator !== undefined && denominator > 0 && value(row) > 0) ratios[id] = value(row) / denominator;
  }
  return ratios;
}

/** Each baseline ratio against now: the rows of the verdict. */
export function compare(baseline, now) {
  return Object.entries(baseline).map(([id, before]) => {
    const after = now[id];
    return { id, before, after, change: after === undefined ? undefined : after / before, regressed: after !== undefined && after / before >= REGRESSION };
  });
}

/** Runs the sections the ratios need, with --quick; its table goes to stderr so the verdict stands alone on stdout. */
function measureQuick() {
  const bench = spawnSync(process.execPath, [fileURLToPath(new URL('./run.mjs', import.meta.url)), '--quick', '--only=0,1-2,3,4'], { stdio: ['ignore', 2, 2] });
  if (bench.status !== 0) fail(`the bench exited with ${bench.status ?? bench.signal}`);
}

function fail(message) {
  process.stderr.write(`bench check: ${message}\n`);
  process.exit(2);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--help')) {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 5).map((line) => line.replace(/^\/\/ ?/, '')).join('\n') + '\n');
    process.exit(0);
  }
  const measure = process.argv.includes('--measure');
  if (measure) measureQuick();
  if (!existsSync(LATEST)) fail('no bench/results/latest.json; run "npm run bench -- --quick" first');
  let latest = JSON.parse(readFileSync(LATEST, 'utf8'));
  let now = ratiosOf(latest);
  if (process.argv.includes('--update')) {
    if (Object.keys(now).length < RATIOS.length) fail(`latest.json lacks ${RATIOS.filter(({ id }) => now[id] === undefined).map(({ id }) => id).join(', ')}; run "npm run bench -- --quick --only=0,1-2,3,4"`);
    const baseline = { measured_at: latest.at, quick: latest.quick, machine: latest.machine, load_at_floors: latest.rows.find((row) => row.name === CPU)?.load, ratios: now };
    writeFileSync(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
    process.stdout.write(`bench check: baseline written to bench/baseline.json (${Object.keys(now).length} ratios)\n`);
    process.exit(0);
  }
  if (!existsSync(BASELINE)) fail('no bench/baseline.json; make one with "node bench/check.mjs --update"');
  const baseline = JSON.parse(readFileSync(BASELINE, 'utf8'));
  if (baseline.quick !== latest.quick) fail(`the baseline was measured ${baseline.quick ? 'with' : 'without'} --quick and latest.json ${latest.quick ? 'with' : 'without'}; compare like with like`);
  let verdict = compare(baseline.ratios, now);
  if (measure && verdict.some((row) => row.regressed)) {
    // One busy minute can double a ratio; a real regression survives a second measurement.
    process.stdout.write(`bench check: ${verdict.filter((row) => row.regressed).map((row) => row.id).join(', ')} look regressed; measuring once more\n`);
    measureQuick();
    latest = JSON.parse(readFileSync(LATEST, 'utf8'));
    const again = ratiosOf(latest);
    now = Object.fromEntries(Object.entries(now).map(([id, value]) => [id, Math.min(value, again[id] ?? value)]));
    verdict = compare(baseline.ratios, now);
  }
  const missing = verdict.filter((row) => row.after === undefined);
  if (missing.length > 0) fail(`latest.json lacks ${missing.map((row) => row.id).join(', ')}; run "npm run bench -- --quick --only=0,1-2,3,4"`);
  process.stdout.write(`Ratios to floors of the same run, against bench/baseline.json (${baseline.measured_at}); a regression is ×${REGRESSION} or more\n`);
  for (const row of verdict) {
    process.stdout.write(`${row.id.padEnd(30)} ${row.before.toFixed(2).padStart(9)} → ${row.after.toFixed(2).padStart(9)}  ×${row.change.toFixed(2)}${row.regressed ? '  REGRESSED' : ''}\n`);
  }
  const regressed = verdict.filter((row) => row.regressed);
  process.stdout.write(regressed.length === 0 ? 'bench check: no regression\n' : `bench check: ${regressed.length} regressed: ${regressed.map((row) => row.id).join(', ')}\n`);
  process.exit(regressed.length === 0 ? 0 : 1);
}
