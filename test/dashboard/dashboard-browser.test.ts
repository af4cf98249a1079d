// The dashboard end to end in Debian's headless Chromium: a run started from the CLI appears and progresses without a
// reload, Approve in the page lets it finish, an appended event reaches the open page (latency reported), the metrics
// page shows what `auto-execution metrics --json` says, a failed run shows its error, a runner's busy slot shows the
// step it runs (and /api/runners and /api/health equal the CLI's), and a wrong token gets no data. Every wait is
// bounded; the browser, the dashboard and every CLI process are stopped by pid in afterAll.

import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runCli, startCli, type BackgroundCli } from '../helpers/cli.js';
import { startDashboardCli } from '../helpers/dashboard-cli.js';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser.js';

const GATED = `id: gated
steps:
  - { id: build, run: "echo building; echo built > out.txt", creates: [out.txt] }
  - id: sign-off
    approval: { prompt: "Ship the build?" }
  - { id: ship, run: "echo shipped > shipped.txt" }
`;
const HOLD = `id: hold
steps:
  - { id: wait, run: "while [ ! -f release ]; do sleep 0.05; done" }
`;
const FAILING = `id: broken
steps:
  - { id: compile, run: "echo 'cannot find module foo' >&2; exit 3" }
`;

let dir: string;
let browser: LaunchedBrowser | undefined;
let dashboard: Awaited<ReturnType<typeof startDashboardCli>> | undefined;
const processes: BackgroundCli[] = [];
let page: Page;
let gatedRun = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tapps-dashboard-'));
  await writeFile(path.join(dir, 'gated.yaml'), GATED);
  await writeFile(path.join(dir, 'broken.yaml'), FAILING);
  await writeFile(path.join(dir, 'hold.yaml'), HOLD);
  dashboard = await startDashboardCli(dir);
  processes.push(dashboard.cli);
  browser = await launchChromium();
  page = await browser.context.newPage();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  for (const cli of processes) await cli.stop();
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}, 60_000);

describe('dashboard in Chromium', () => {
  it('shows a run started from the CLI live, approves it from the page, and it finishes', async () => {
    const { url } = dashboard as NonNullable<typeof dashboard>;
    await page.goto(url);
    // The token left the address bar (it is in the cookie now).
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    await page.getByText('No runs yet. Start one with: tapps-agents workflow execute --workflow FILE').waitFor();

    const run = startCli(['workflow', 'execute', '--workflow', 'gated.yaml'], { cwd: dir });
    processes.push(run);
    const row = page.locator('tr[data-run^="gated-"]');
    await row.locator('[data-status="waiting_approval"]').waitFor();
    await expect.poll(() => row.locator('.progress').textContent(), { timeout: 30_000 }).toBe(' 1/3');
    const runId = (await row.getAttribute('data-run')) as string;

    await row.getByRole('link', { name: runId }).click();
    await page.locator('h1 [data-status="waiting_approval"]').waitFor();
    await page.locator('g.node[data-step="build"][data-status="succeeded"]').waitFor();
    await page.locator('g.node[data-step="sign-off"][data-status="waiting_approval"]').waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();

    await page.locator('h1 [data-status="succeeded"]').waitFor();
    await page.locator('g.node[data-step="ship"][data-status="succeeded"]').waitFor();
    await page.locator('ol.events li[data-type="run.finished"]').waitFor();
    const exit = await Promise.race([run.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the run did not exit')), 30_000))]);
    expect(exit.code).toBe(0);
    const status = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as { status: string; steps: Record<string, { status: string }> };
    expect(status.status).toBe('succeeded');
    expect(status.steps['sign-off']?.status).toBe('succeeded');

    // A step's details: its artifact is viewable.
    await page.locator('g.node[data-step="build"]').click();
    await page.getByRole('link', { name: 'out.txt' }).click();
    await expect.poll(() => page.locator('pre.file').textContent(), { timeout: 30_000 }).toBe('out.txt\n\nbuilt\n');
    gatedRun = runId;
  }, 120_000);

  it('an event appended to events.jsonl reaches the open Run page (the latency is reported, not judged)', async () => {
    await page.locator('ol.events li[data-type="run.finished"]').waitFor();
    // In the page (a script text: this project's types have no DOM): the time each marker's row first appears.
    await page.evaluate(`window.seen = {};
      new MutationObserver(() => {
        for (const item of document.querySelectorAll('ol.events li[data-type^="test.marker."]')) window.seen[item.dataset.type] ??= Date.now();
      }).observe(document.body, { childList: true, subtree: true });`);
    const events = path.join(dir, '.tapps-agents', 'workflow-state', gatedRun, 'events.jsonl');
    const latencies: number[] = [];
    for (let index = 0; index < 10; index += 1) {
      const type = `test.marker.${index}`;
      const appendedAt = Date.now();
      await appendFile(events, `${JSON.stringify({ schemaVersion: 1, ts: new Date(appendedAt).toISOString(), runId: gatedRun, type })}\n`);
      const shown = await page.waitForFunction((name) => (globalThis as unknown as { seen: Record<string, number> }).seen[name] ?? false, type, { timeout: 30_000 });
      latencies.push(((await shown.jsonValue()) as number) - appendedAt);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(latencies).toHaveLength(10);
    // Each event re-read the run and redrew the selected step's details: the file open in its viewer stayed open
    // (read again, as a running step's log tail is).
    await expect.poll(() => page.locator('pre.file').textContent(), { timeout: 30_000 }).toBe('out.txt\n\nbuilt\n');
    const sorted = [...latencies].sort((a, b) => a - b);
    // Timing belongs in reports, not verdicts: printed for docs/BENCHMARKS.md, whatever the machine's load.
    console.info(`dashboard event → open page: median ${String(sorted[5])} ms, min ${String(sorted[0])} ms, max ${String(sorted[9])} ms over 10 events (target < 250 ms), load average ${loadavg()[0]?.toFixed(1) ?? '?'}`);
  }, 60_000);

  it('the metrics page shows the numbers of auto-execution metrics --json', async () => {
    type Usage = { input_tokens: number; output_tokens: number; cost_usd: number };
    const cli = JSON.parse((await runCli(['auto-execution', 'metrics', '--json'], { cwd: dir })).stdout) as {
      total_executions: number;
      success_rate: number;
      by_agent_action: { agent: string; action: string; total: number; usage: Usage }[];
      over_time: { bucket: string; series: { success_rate: number | null }[] };
    };
    expect(cli.total_executions).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Metrics' }).click();
    await expect.poll(() => page.locator('[data-metric="total_executions"] strong').textContent(), { timeout: 30_000 }).toBe(String(cli.total_executions));
    expect(await page.locator('[data-metric="success_rate"] strong').textContent()).toBe(`${(cli.success_rate * 100).toFixed(1)}%`);
    // Over time: the CLI's series, one bar a bucket and one success-rate point for each bucket where something ran.
    await page.locator(`[data-over-time="${cli.over_time.bucket}"]`).waitFor();
    expect(await page.locator('svg[data-chart="executions"] rect.bar').count()).toBe(cli.over_time.series.length);
    const rates = cli.over_time.series.flatMap((bucket) => (bucket.success_rate === null ? [] : [String(bucket.success_rate)]));
    const points = await page.locator('svg[data-chart="success_rate"] circle.point').all();
    expect(await Promise.all(points.map((point) => point.getAttribute('data-value')))).toEqual(rates);
    // Per agent/action: executions, tokens and cost, row by row as the CLI has them.
    // (Read in one evaluation: a live re-render may replace the rows between finding and reading them.)
    // (No DOM types in the tests: a row typed by the few members read.)
    type Row = { getAttribute(name: string): string | null; children: ArrayLike<{ textContent: string | null }>; querySelector(selector: string): { textContent: string | null } | null };
    const table = () =>
      page.locator('table.agent-actions tbody tr').evaluateAll((rows) =>
        (rows as unknown as Row[]).map((row) => [row.getAttribute('data-agent-action'), row.children[2]?.textContent, row.querySelector('[data-field="tokens"]')?.textContent, row.querySelector('[data-field="cost_usd"]')?.textContent]),
      );
    const expected = cli.by_agent_action.map((entry) => [`${entry.agent} ${entry.action}`, String(entry.total), `${entry.usage.input_tokens.toLocaleString('en-US')} / ${entry.usage.output_tokens.toLocaleString('en-US')}`, `$${entry.usage.cost_usd.toFixed(4)}`]);
    expect(expected.length).toBeGreaterThan(0);
    await expect.poll(table, { timeout: 30_000 }).toEqual(expected);
  }, 60_000);

  it('a failed run shows its error on the run page', async () => {
    const failed = await runCli(['workflow', 'execute', '--workflow', 'broken.yaml', '--json'], { cwd: dir });
    expect(failed.exitCode).toBe(1);
    const runId = (JSON.parse(failed.stdout.split('\n')[0] as string) as { runId: string }).runId;
    await page.getByRole('link', { name: 'Runs' }).click();
    await page.locator(`tr[data-run="${runId}"] [data-status="failed"]`).waitFor();
    // Its progress bar is drawn red (var(--bad)), never green like a run that succeeded.
    const fill = (element: unknown) => (globalThis as unknown as { getComputedStyle(node: unknown): { fill: string } }).getComputedStyle(element).fill;
    // (Polled: a live re-render may replace the row between finding it and reading it, and a detached node has no style.)
    await expect.poll(() => page.locator(`tr[data-run="${runId}"] svg.progress-bar rect.done`).evaluate(fill), { timeout: 30_000 }).toBe('rgb(207, 34, 46)');
    await expect.poll(() => page.locator(`tr[data-run="${gatedRun}"] svg.progress-bar rect.done`).evaluate(fill), { timeout: 30_000 }).toBe('rgb(26, 127, 55)');
    await page.locator(`tr[data-run="${runId}"]`).getByRole('link', { name: runId }).click();
    const state = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as { error: string; steps: { compile: { error: { message: string; code: string } } } };
    await expect.poll(() => page.locator('.run-error').textContent(), { timeout: 30_000 }).toBe(`Error: ${state.error}`);
    await page.locator('g.node[data-step="compile"][data-status="failed"]').click();
    await expect.poll(() => page.locator('.step-error').textContent(), { timeout: 30_000 }).toBe(`${state.steps.compile.error.message} (${state.steps.compile.error.code})`);
  }, 60_000);

  it('the Agents page shows a runner\'s busy slot with the step it runs, live, as auto-execution status says', async () => {
    const { origin, token } = dashboard as NonNullable<typeof dashboard>;
    // A runner embedded in the workflow execute serves the step through its command file (one slot of four).
    await mkdir(path.join(dir, '.tapps-agents'), { recursive: true });
    await writeFile(path.join(dir, '.tapps-agents', 'config.yaml'), 'workflow:\n  auto_execution_enabled: true\n  runner: auto\n');
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByText('None running (an embedded runner starts with each workflow execute unless workflow.runner is "external").').waitFor();
    const run = startCli(['workflow', 'execute', '--workflow', 'hold.yaml', '--json'], { cwd: dir });
    processes.push(run);
    try {
      const slot = page.locator('li[data-slot^="hold-"]');
      await slot.waitFor();
      const runId = ((await slot.getAttribute('data-slot')) as string).replace(/\/wait$/, '');
      expect(await slot.textContent()).toMatch(new RegExp(`^${runId} step wait \\(attempt 1\\) since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));
      const row = page.locator(`tr[data-runner="${String(run.pid)}"]`);
      expect(await row.locator('td').nth(1).textContent()).toBe('embedded');
      expect(await row.locator('.slots').getAttribute('data-busy')).toBe('1');
      expect(await row.locator('.slots').textContent()).toBe(' 1/4');
      expect(await row.locator('.slot.busy').count()).toBe(1);

      // /api/runners is `auto-execution status --json` (read between two equal API answers: a heartbeat may land
      // between reads), and /api/health has the verdicts of `auto-execution health --json`.
      const api = async (route: string) => (await (await fetch(`${origin}${route}`, { headers: { 'x-tapps-token': token } })).json()) as Record<string, unknown>;
      let compared = false;
      for (let tries = 0; tries < 10 && !compared; tries += 1) {
        const before = await api('/api/runners');
        const cli = JSON.parse((await runCli(['auto-execution', 'status', '--json'], { cwd: dir })).stdout) as Record<string, unknown>;
        const after = await api('/api/runners');
        if (JSON.stringify(before.runners) !== JSON.stringify(after.runners)) continue;
        expect(cli.runners).toEqual(before.runners);
        expect(cli.runners).toMatchObject([{ mode: 'embedded', pid: run.pid, busy: 1, max_parallel: 4, slots: [{ run_id: runId, step_id: 'wait', attempt: 1 }] }]);
        compared = true;
      }
      expect(compared).toBe(true);
      const health = JSON.parse((await runCli(['auto-execution', 'health', '--json'], { cwd: dir })).stdout) as { overall: string; checks: { name: string; status: string }[] };
      const served = (await api('/api/health')) as unknown as typeof health;
      expect(served.overall).toBe(health.overall);
      expect(served.checks.map((check) => [check.name, check.status])).toEqual(health.checks.map((check) => [check.name, check.status]));

      // The step ends: the slot goes, and with the run the embedded runner, without a reload.
      await writeFile(path.join(dir, 'release'), '');
      await slot.waitFor({ state: 'detached' });
      await page.getByText('None running (an embedded runner starts with each workflow execute unless workflow.runner is "external").').waitFor();
      expect((await run.exited).code).toBe(0);
    } finally {
      await writeFile(path.join(dir, 'release'), '');
      await rm(path.join(dir, '.tapps-agents', 'config.yaml'), { force: true });
    }
  }, 90_000);

  it('a wrong token gets no data', async () => {
    const { url, origin } = dashboard as NonNullable<typeof dashboard>;
    const stranger = await (browser as LaunchedBrowser).context.browser()?.newContext();
    // A persistent context has no browser object: clear this one's cookies instead, then restore them.
    const cookies = await (browser as LaunchedBrowser).context.cookies();
    await (browser as LaunchedBrowser).context.clearCookies();
    try {
      const other = stranger === undefined ? page : await stranger.newPage();
      const response = await other.goto(`${origin}/?token=${'0'.repeat(64)}`);
      expect(response?.status()).toBe(401);
      expect(await other.locator('body').textContent()).toBe('{"error":{"code":"UNAUTHORIZED","message":"Wrong access token: open the URL printed by \\"tapps-agents dashboard\\""}}');
      const api = await other.evaluate(async () => {
        const answer = await fetch('/api/runs');
        return { status: answer.status, body: await answer.text() };
      });
      expect(api.status).toBe(401);
      expect(api.body).not.toContain('gated-');
    } finally {
      await stranger?.close();
      await (browser as LaunchedBrowser).context.addCookies(cookies);
    }
    expect(url).toContain('token=');
  }, 60_000);
});
