// Dashboard figures (issue 18, docs/BENCHMARKS.md "Dashboard"), measured in Debian's headless Chromium:
//   first load: navigation start → the Runs table shows its first page (100 newest of the 1,000 stored runs) (in-page
//   performance.now());
//   list: `workflow list --json` over the 1,000 runs (a fresh CLI process), and GET /api/runs on the running
//   dashboard (what the page's every re-read costs);
//   event → page: a line appended to a run's events.jsonl → its row in the open Run page's event list (wall clock,
//   one machine: the page stamps Date.now() in a MutationObserver);
//   bundle: the shipped script, style sheet and page, gzipped.
// Usage: npm run build && node bench/dashboard.mjs [--quick] [--root DIR]  (DIR: another checkout's built dist/, to
// compare; default this one)

/* global document, window, MutationObserver -- these run in the page (page.evaluate, waitForFunction) */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { machine, summary } from './stats.mjs';

const rootAt = process.argv.indexOf('--root');
const ROOT = rootAt === -1 ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..') : path.resolve(process.argv[rootAt + 1]);
const FIRST_PAGE = 100;
const quick = process.argv.includes('--quick');
const RUNS = 1000;
const LOADS = quick ? 3 : 9;
const EVENTS = quick ? 5 : 25;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const dir = mkdtempSync(path.join(tmpdir(), 'tapps-bench-dashboard-'));
const profile = mkdtempSync(path.join(tmpdir(), 'tapps-bench-chromium-'));
let dashboard;
let context;
try {
  // One real run made by the CLI, stored 1,000 times under fresh ids (as many runs of one workflow would be).
  writeFileSync(path.join(dir, 'wf.yaml'), 'id: bench\nsteps:\n  - { id: a, run: "true" }\n  - { id: b, run: "true" }\n  - { id: c, run: "true" }\n');
  execFileSync(process.execPath, [path.join(ROOT, 'bin/tapps-agents.js'), 'workflow', 'execute', '--workflow', 'wf.yaml', '--json'], { cwd: dir, stdio: 'ignore' });
  const stateRoot = path.join(dir, '.tapps-agents', 'workflow-state');
  const [original] = readdirSync(stateRoot);
  const state = JSON.parse(readFileSync(path.join(stateRoot, original, 'state.json'), 'utf8'));
  for (let index = 1; index < RUNS; index += 1) {
    const started = new Date(Date.parse(state.started_at) - index * 60_000);
    const id = `bench-${started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${index.toString(16).padStart(4, '0')}`;
    mkdirSync(path.join(stateRoot, id));
    cpSync(path.join(stateRoot, original, 'events.jsonl'), path.join(stateRoot, id, 'events.jsonl'));
    cpSync(path.join(stateRoot, original, 'workflow.yaml'), path.join(stateRoot, id, 'workflow.yaml'));
    writeFileSync(path.join(stateRoot, id, 'state.json'), JSON.stringify({ ...state, run_id: id, started_at: started.toISOString(), updated_at: started.toISOString(), completed_at: started.toISOString() }));
  }

  const { startDashboard } = await import(path.join(ROOT, 'dist/dashboard/dashboard-server.js'));
  dashboard = await startDashboard({ projectRoot: dir });
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
  const page = await context.newPage();
  await page.goto(dashboard.url);
  await page.waitForFunction((count) => document.querySelectorAll('tr[data-run]').length >= count, FIRST_PAGE, { timeout: 60_000 });

  const cliList = [];
  for (let index = 0; index < LOADS; index += 1) {
    const started = performance.now();
    execFileSync(process.execPath, [path.join(ROOT, 'bin/tapps-agents.js'), 'workflow', 'list', '--json'], { cwd: dir, stdio: 'ignore' });
    cliList.push(performance.now() - started);
  }
  const apiRuns = [];
  for (let index = 0; index < LOADS * 3; index += 1) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${dashboard.port}/api/runs?limit=${FIRST_PAGE}`, { headers: { 'x-tapps-token': dashboard.token } });
    await response.json();
    apiRuns.push(performance.now() - started);
  }

  const loads = [];
  for (let index = 0; index < LOADS; index += 1) {
    await page.goto(`http://127.0.0.1:${dashboard.port}/?load=${index}#/runs`);
    const handle = await page.waitForFunction((count) => (document.querySelectorAll('tr[data-run]').length >= count ? performance.now() : false), FIRST_PAGE, { timeout: 60_000, polling: 'raf' });
    loads.push(await handle.jsonValue());
  }

  await page.goto(`http://127.0.0.1:${dashboard.port}/#/runs/${original}`);
  await page.locator('ol.events li[data-type="run.finished"]').waitFor({ timeout: 60_000 });
  await page.evaluate(() => {
    window.__seen = {};
    new MutationObserver(() => {
      for (const item of document.querySelectorAll('ol.events li[data-type^="bench.marker."]')) window.__seen[item.dataset.type] ??= Date.now();
    }).observe(document.body, { childList: true, subtree: true });
  });
  const latencies = [];
  for (let index = 0; index < EVENTS; index += 1) {
    const type = `bench.marker.${index}`;
    const appendedAt = Date.now();
    appendFileSync(path.join(stateRoot, original, 'events.jsonl'), `${JSON.stringify({ schemaVersion: 1, ts: new Date(appendedAt).toISOString(), runId: original, type })}\n`);
    const handle = await page.waitForFunction((name) => window.__seen[name] ?? false, type, { timeout: 30_000 });
    latencies.push((await handle.jsonValue()) - appendedAt);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }

  const assets = path.join(ROOT, 'dist/dashboard-assets');
  const gz = (name) => gzipSync(readFileSync(path.join(assets, name))).length;
  const result = {
    machine: machine(),
    load_average: loadavg().map((value) => Number(value.toFixed(2))),
    first_load_ms_1000_runs: summary(loads),
    cli_workflow_list_ms_1000_runs: summary(cliList),
    api_runs_warm_ms_1000_runs: summary(apiRuns),
    event_to_page_ms: summary(latencies),
    bundle_gzip_bytes: { 'dashboard.js': gz('dashboard.js'), 'dashboard.css': gz('dashboard.css'), 'index.html': gz('index.html') },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await context?.close().catch(() => undefined);
  await dashboard?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
