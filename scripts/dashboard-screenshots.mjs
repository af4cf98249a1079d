// Regenerates docs/dashboard-{runs,run,metrics,agents}.png: a scratch project with a failed, a waiting and a running
// run (its step in a runner's busy slot), a sample metrics history of the last 30 hours (so the charts over time have
// points; written through the metrics store, as the observer writes), the dashboard on it, and each page captured in
// Debian's headless Chromium. Usage: npm run build && node scripts/dashboard-screenshots.mjs

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin/tapps-agents.js');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const dir = mkdtempSync(path.join(tmpdir(), 'tapps-screenshots-'));
const profile = mkdtempSync(path.join(tmpdir(), 'tapps-screenshots-chromium-'));
const cli = (args) => execFileSync(process.execPath, [CLI, ...args], { cwd: dir, stdio: 'ignore' });
let waiting;
let held;
let dashboard;

/** Attempts of four agent/actions over the last 30 hours: a deterministic mix of statuses, durations and retries. */
async function sampleHistory() {
  const { createMetricsStore } = await import(path.join(ROOT, 'dist/observability/metrics-store.js'));
  const store = createMetricsStore(dir);
  const pairs = [['analyst', 'gather-requirements'], ['implementer', 'implement-feature'], ['reviewer', 'review-code'], ['tester', 'run-tests']];
  const now = Date.now();
  for (let i = 0; i < 120; i += 1) {
    const [agent, action] = pairs[i % pairs.length];
    const completed = new Date(now - (30 * 3_600_000 * (120 - i)) / 120);
    const status = i % 9 === 4 ? 'failed' : i % 17 === 8 ? 'timeout' : 'success';
    const duration = 2000 + ((i * 7919) % 40_000) + (agent === 'implementer' ? 30_000 : 0);
    await store.append({
      execution_id: `sample-${i}/${agent}/1`, workflow_id: 'feature', run_id: `sample-${Math.floor(i / 4)}`, step_id: agent, agent, action,
      command: `@${agent} ${action}`, status, duration_ms: duration, retry_count: i % 11 === 3 ? 1 : 0,
      started_at: new Date(completed.getTime() - duration).toISOString(), completed_at: completed.toISOString(),
      error_message: status === 'success' ? null : `${action} ${status}`,
      usage: { input_tokens: 1200 + i * 13, output_tokens: 300 + i * 5, cost_usd: agent === 'implementer' ? 0.012 : agent === 'reviewer' ? 0.006 : 0.004 },
    });
  }
}
let context;
try {
  writeFileSync(path.join(dir, 'release.yaml'), `id: release
steps:
  - { id: lint, run: "sleep 0.3; echo lint ok" }
  - { id: test, run: "sleep 0.6; echo 42 tests passed > test-report.txt", creates: [test-report.txt], needs: [] }
  - { id: build, run: "sleep 0.4; echo built > build.txt", creates: [build.txt], needs: [lint, test] }
  - id: sign-off
    approval: { prompt: "Ship the build?" }
  - { id: ship, run: "echo shipped" }
`);
  writeFileSync(path.join(dir, 'broken.yaml'), 'id: broken\nsteps:\n  - { id: compile, run: "echo \'error TS2307: Cannot find module foo\' >&2; exit 2" }\n');
  try {
    cli(['workflow', 'execute', '--workflow', 'broken.yaml']);
  } catch {
    // it fails, as meant
  }
  await sampleHistory();
  waiting = spawn(process.execPath, [CLI, 'workflow', 'execute', '--workflow', 'release.yaml', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  waiting.stdout.on('data', (chunk) => (out += chunk));
  for (let i = 0; i < 600 && !out.includes('step.waiting_approval'); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  const runId = JSON.parse(out.split('\n')[0]).runId;
  // A run whose step a runner embedded in its workflow execute is running (the Agents page's busy slot), held until
  // the pages are captured.
  writeFileSync(path.join(dir, 'nightly.yaml'), 'id: nightly\nsteps:\n  - { id: regression-suite, run: "while [ ! -f done ]; do sleep 0.1; done" }\n');
  mkdirSync(path.join(dir, '.tapps-agents'), { recursive: true });
  writeFileSync(path.join(dir, '.tapps-agents', 'config.yaml'), 'workflow:\n  auto_execution_enabled: true\n  runner: auto\n');
  held = spawn(process.execPath, [CLI, 'workflow', 'execute', '--workflow', 'nightly.yaml'], { cwd: dir, stdio: 'ignore' });
  const { startDashboard } = await import(path.join(ROOT, 'dist/dashboard/dashboard-server.js'));
  dashboard = await startDashboard({ projectRoot: dir });
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(dashboard.url);
  await page.locator('tr[data-run^="nightly-"] [data-status="running"]').waitFor();
  await page.locator('tr[data-run]').nth(2).waitFor();
  await page.screenshot({ path: path.join(ROOT, 'docs/dashboard-runs.png'), fullPage: true });
  await page.goto(`http://127.0.0.1:${dashboard.port}/#/runs/${runId}`);
  await page.locator('g.node[data-step="build"]').click();
  await page.locator('.details h2').waitFor();
  await page.getByRole('link', { name: 'build.txt' }).click();
  await page.locator('pre.file').filter({ hasText: 'built' }).waitFor();
  await page.screenshot({ path: path.join(ROOT, 'docs/dashboard-run.png'), fullPage: true });
  await page.goto(`http://127.0.0.1:${dashboard.port}/#/metrics`);
  await page.locator('[data-metric="total_executions"]').waitFor();
  await page.locator('svg[data-chart="duration"]').waitFor();
  await page.screenshot({ path: path.join(ROOT, 'docs/dashboard-metrics.png'), fullPage: true });
  await page.goto(`http://127.0.0.1:${dashboard.port}/#/agents`);
  await page.locator('[data-overall]').waitFor();
  await page.locator('li[data-slot^="nightly-"]').waitFor();
  await page.screenshot({ path: path.join(ROOT, 'docs/dashboard-agents.png'), fullPage: true });
  process.stdout.write('wrote docs/dashboard-{runs,run,metrics,agents}.png\n');
} finally {
  await context?.close().catch(() => undefined);
  await dashboard?.close();
  writeFileSync(path.join(dir, 'done'), '');
  if (held !== undefined && held.exitCode === null) await new Promise((resolve) => held.once('exit', resolve));
  if (waiting !== undefined && waiting.exitCode === null) {
    waiting.kill('SIGTERM');
    await new Promise((resolve) => waiting.once('exit', resolve));
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
