// The dashboard's API: the access guard through hono's app.request (no port), then the real server on a port with
// runs made by the built CLI — each answer equal to what the matching CLI command prints with --json, and the
// actions (approve, cancel, resume) doing what the CLI commands do.

import { mkdir, mkdtemp, rm, symlink, writeFile, appendFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp } from '../../src/dashboard/dashboard-app.js';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/dashboard-server.js';
import { projectWatch, type ProjectWatch } from '../../src/dashboard/project-watch.js';
import { TOKEN_COOKIE } from '../../src/dashboard/access-guard.js';
import { runCli, startCli, type BackgroundCli } from '../helpers/cli.js';
import { runStateJson, UNUSABLE_RUNNER_FILES } from '../helpers/protocol-fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = 'a'.repeat(64);
const HOST = '127.0.0.1:4555';
const GATED = `id: gated
steps:
  - { id: build, run: "echo built > out.txt", creates: [out.txt] }
  - id: sign-off
    approval: { prompt: "Ship?" }
  - { id: ship, run: "echo shipped" }
`;

let dir: string;
let watch: ProjectWatch;
let doneRun: string;
const processes: BackgroundCli[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tapps-dashboard-api-'));
  await writeFile(path.join(dir, 'ok.yaml'), 'id: ok\nsteps:\n  - { id: one, run: "echo one > one.txt", creates: [one.txt] }\n');
  await writeFile(path.join(dir, 'gated.yaml'), GATED);
  const first = await runCli(['workflow', 'execute', '--workflow', 'ok.yaml', '--json'], { cwd: dir });
  expect(first.exitCode).toBe(0);
  doneRun = (JSON.parse(first.stdout.split('\n')[0] as string) as { runId: string }).runId;
  watch = projectWatch(dir);
}, 60_000);

afterAll(async () => {
  watch.close();
  for (const cli of processes) await cli.stop();
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}, 60_000);

function app() {
  return createDashboardApp({ projectRoot: dir, token: TOKEN, allowedHosts: [HOST, 'localhost:4555'], watch });
}

function request(pathname: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return app().request(`http://${HOST}${pathname}`, { ...init, headers: { host: HOST, ...init.headers } });
}

describe('access guard (app.request)', () => {
  it('refuses a request without the token, or with a wrong one, and gives no data', async () => {
    const none = await request('/api/runs');
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'This dashboard needs its access token: open the URL printed by "tapps-agents dashboard"' } });
    const wrong = await request('/api/runs', { headers: { 'x-tapps-token': 'b'.repeat(64) } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('{"error":{"code":"UNAUTHORIZED","message":"Wrong access token: open the URL printed by \\"tapps-agents dashboard\\""}}');
    const short = await request('/api/runs', { headers: { cookie: `${TOKEN_COOKIE}=abc` } });
    expect(short.status).toBe(401);
    expect((await request('/', {})).status).toBe(401);
  });

  it('takes the token from a header, a bearer or the cookie', async () => {
    for (const headers of [{ 'x-tapps-token': TOKEN }, { authorization: `Bearer ${TOKEN}` }, { cookie: `${TOKEN_COOKIE}=${TOKEN}` }]) {
      const response = await request('/api/runs', { headers });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { runs: { run_id: string }[] }).runs.map((run) => run.run_id)).toEqual([doneRun]);
    }
  });

  it('/api/runners says which runner status file cannot be used and why (empty, truncated, wrong types, a directory)', async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'tapps-dashboard-runners-'));
    const file = path.join(project, '.tapps-agents/runner/status.json');
    const runnersOf = async () => {
      const served = createDashboardApp({ projectRoot: project, token: TOKEN, allowedHosts: [HOST], watch });
      const response = await served.request(`http://${HOST}/api/runners`, { headers: { host: HOST, 'x-tapps-token': TOKEN } });
      return (await response.json()) as { runners: unknown[]; unusable_runner_files: { file: string; problem: string }[] };
    };
    try {
      await mkdir(path.dirname(file), { recursive: true });
      for (const [what, text, problem] of UNUSABLE_RUNNER_FILES) {
        await writeFile(file, text);
        expect(await runnersOf(), what).toMatchObject({ runners: [], unusable_runner_files: [{ file: '.tapps-agents/runner/status.json', problem }] });
      }
      await rm(file);
      await mkdir(file);
      expect((await runnersOf()).unusable_runner_files).toEqual([{ file: '.tapps-agents/runner/status.json', problem: 'is a directory, not a file' }]);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('pages and filters /api/runs (limit, offset, status, workflow) and refuses a count that is not a whole number', async () => {
    const headers = { 'x-tapps-token': TOKEN };
    const page = async (query: string) => (await (await request(`/api/runs?${query}`, { headers })).json()) as { runs: { run_id: string }[]; total: number; matched: number; workflows: string[] };
    expect(await page('limit=1')).toMatchObject({ runs: [{ run_id: doneRun }], total: 1, matched: 1, workflows: ['ok'] });
    expect(await page('limit=0')).toMatchObject({ runs: [], total: 1, matched: 1 });
    expect(await page('offset=1')).toMatchObject({ runs: [], total: 1, matched: 1 });
    expect(await page('status=failed')).toMatchObject({ runs: [], total: 1, matched: 0, workflows: ['ok'] });
    expect(await page('workflow=ok&status=succeeded')).toMatchObject({ runs: [{ run_id: doneRun }], matched: 1 });
    for (const [query, message] of [
      ['limit=-1', 'limit must be a whole number of 0 or more, not "-1"'],
      ['offset=abc', 'offset must be a whole number of 0 or more, not "abc"'],
      ['limit=1.5', 'limit must be a whole number of 0 or more, not "1.5"'],
    ] as const) {
      const refused = await request(`/api/runs?${query}`, { headers });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'USAGE', message } });
    }
  });

  it('filters /api/runs on the status workflow list shows: a run whose executor died is interrupted, not running', async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'tapps-dashboard-interrupted-'));
    // Both stored as running; only the first one's executor is gone (no pid is above 2^22 on Linux).
    const states = {
      'wf-20261124T090000Z-dead': { executor: { pid: 2 ** 22 + 99, host: hostname() }, started_at: '2026-11-24T09:00:00.000Z' },
      'wf-20261124T100000Z-live': { executor: { pid: process.pid, host: hostname() }, started_at: '2026-11-24T10:00:00.000Z' },
    };
    try {
      for (const [runId, fields] of Object.entries(states)) {
        const file = path.join(project, '.tapps-agents/workflow-state', runId, 'state.json');
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, runStateJson(runId, fields));
      }
      const served = createDashboardApp({ projectRoot: project, token: TOKEN, allowedHosts: [HOST], watch });
      const page = async (query: string) =>
        (await (await served.request(`http://${HOST}/api/runs?${query}`, { headers: { host: HOST, 'x-tapps-token': TOKEN } })).json()) as { runs: { run_id: string; status: string }[]; matched: number };
      expect(await page('status=interrupted')).toMatchObject({ runs: [{ run_id: 'wf-20261124T090000Z-dead', status: 'interrupted' }], matched: 1 });
      expect(await page('status=running')).toMatchObject({ runs: [{ run_id: 'wf-20261124T100000Z-live', status: 'running' }], matched: 1 });
      const listed = JSON.parse((await runCli(['workflow', 'list', '--json'], { cwd: project })).stdout) as { runs: { run_id: string; status: string }[] };
      expect((await page('')).runs.map((run) => [run.run_id, run.status])).toEqual(listed.runs.map((run) => [run.run_id, run.status]));
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('a first visit with ?token= sets an HttpOnly SameSite=Strict cookie and drops the token from the URL', async () => {
    const response = await request(`/?token=${TOKEN}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('set-cookie')).toBe(`${TOKEN_COOKIE}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin or cross-site fetch (CSRF), even with the token', async () => {
    const rebound = await app().request('http://evil.example:4555/api/runs', { headers: { host: 'evil.example:4555', 'x-tapps-token': TOKEN } });
    expect(rebound.status).toBe(421);
    expect(await rebound.json()).toEqual({ error: { code: 'FORBIDDEN_HOST', message: 'Host "evil.example:4555" is not this dashboard; open the URL printed by "tapps-agents dashboard"' } });
    const foreign = await request(`/api/runs/${doneRun}/cancel`, { method: 'POST', headers: { cookie: `${TOKEN_COOKIE}=${TOKEN}`, origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error: { code: 'FORBIDDEN_ORIGIN', message: "Requests from http://evil.example are refused: only the dashboard's own pages may call it" } });
    const crossSite = await request('/api/runs', { headers: { 'x-tapps-token': TOKEN, 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const noOrigin = await request(`/api/runs/${doneRun}/cancel`, { method: 'POST', headers: { cookie: `${TOKEN_COOKIE}=${TOKEN}` } });
    expect(noOrigin.status).toBe(403);
    expect(await noOrigin.json()).toEqual({ error: { code: 'FORBIDDEN_ORIGIN', message: 'A change needs an Origin header (sent by browsers) or the token in a header' } });
    const own = await request(`/api/runs/${doneRun}/cancel`, { method: 'POST', headers: { cookie: `${TOKEN_COOKIE}=${TOKEN}`, origin: `http://${HOST}` } });
    expect(await own.json()).toEqual({ run_id: doneRun, action: 'none', status: 'succeeded' });
  });

  it('serves the shipped script and style without the token (they hold no data), and nothing else', async () => {
    const script = await request('/assets/dashboard.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await request('/assets/nope.js')).status).toBe(404);
  });

  it('answers errors as the CLI does, with the HTTP status of their code', async () => {
    const missing = await request('/api/runs/ok-20200101T000000Z-abcd', { headers: { 'x-tapps-token': TOKEN } });
    expect(missing.status).toBe(404);
    const cli = await runCli(['workflow', 'status', 'ok-20200101T000000Z-abcd', '--json'], { cwd: dir });
    expect(await missing.json()).toEqual(JSON.parse(cli.stdout));
    const badId = await request(`/api/events?run=${encodeURIComponent('../x')}`, { headers: { 'x-tapps-token': TOKEN } });
    expect(badId.status).toBe(400);
    const noRoute = await request('/api/nothing', { headers: { 'x-tapps-token': TOKEN } });
    expect(await noRoute.json()).toEqual({ error: { code: 'USAGE', message: 'No API route GET /api/nothing; see docs/dashboard.md' } });
  });

  it('shows artifacts and step files inside the project only, also through a link', async () => {
    const headers = { 'x-tapps-token': TOKEN };
    const file = await request(`/api/runs/${doneRun}/steps/one/file?path=one.txt`, { headers });
    expect(await file.json()).toEqual({ path: 'one.txt', size: 4, truncated: false, text: 'one\n' });
    const outside = await request(`/api/runs/${doneRun}/steps/one/file?path=${encodeURIComponent('../../etc/passwd')}`, { headers });
    expect(outside.status).toBe(400);
    expect(await outside.json()).toEqual({ error: { code: 'USAGE', message: 'Refusing "../../etc/passwd": only files inside the project are shown', details: {} } });
    await symlink('/etc/passwd', path.join(dir, 'link.txt'));
    const linked = await request(`/api/runs/${doneRun}/steps/one/file?path=link.txt`, { headers });
    expect(await linked.json()).toEqual({ error: { code: 'USAGE', message: 'Refusing "link.txt": only files inside the project are shown', details: {} } });
    await mkdir(path.join(dir, 'a-dir'));
    const directory = await request(`/api/runs/${doneRun}/steps/one/file?path=a-dir`, { headers });
    expect(await directory.json()).toEqual({ error: { code: 'USAGE', message: 'Refusing "a-dir": it is not a regular file', details: {} } });
  });
});

describe('the real server', () => {
  let dashboard: RunningDashboard;
  const api = async <T>(pathname: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${dashboard.port}${pathname}`, { ...init, headers: { 'x-tapps-token': dashboard.token, ...(init.headers as Record<string, string> | undefined) } });
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    dashboard = await startDashboard({ projectRoot: dir });
  });
  afterAll(async () => {
    await dashboard.close();
  });

  it('prints a URL on 127.0.0.1 with a fresh 64-hex token', () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('runs, metrics, runners, health and actions are what the CLI prints with --json', async () => {
    const list = JSON.parse((await runCli(['workflow', 'list', '--json'], { cwd: dir })).stdout) as { runs: unknown[] };
    expect((await api<{ runs: unknown[] }>('/api/runs')).runs).toEqual(list.runs);
    const metrics = JSON.parse((await runCli(['auto-execution', 'metrics', '--json'], { cwd: dir })).stdout) as unknown;
    expect(await api('/api/metrics')).toEqual(metrics);
    const filtered = JSON.parse((await runCli(['auto-execution', 'metrics', '--workflow-id', 'nope', '--since', '2020-01-01T00:00:00Z', '--json'], { cwd: dir })).stdout) as unknown;
    expect(await api('/api/metrics?workflow_id=nope&since=2020-01-01T00:00:00Z')).toEqual(filtered);
    const health = JSON.parse((await runCli(['auto-execution', 'health', '--json'], { cwd: dir })).stdout) as { overall: string; checks: { name: string; status: string }[] };
    const served = await api<typeof health>('/api/health');
    expect(served.overall).toBe(health.overall);
    expect(served.checks.map((check) => [check.name, check.status])).toEqual(health.checks.map((check) => [check.name, check.status]));
    const status = JSON.parse((await runCli(['auto-execution', 'status', '--json'], { cwd: dir })).stdout) as { runners: unknown[]; active_runs: unknown[] };
    const runners = await api<typeof status>('/api/runners');
    expect(runners.runners).toEqual(status.runners);
    expect(runners.active_runs).toEqual(status.active_runs);
    const actions = JSON.parse((await runCli(['agents', 'list', '--json'], { cwd: dir })).stdout) as { agents: { agent: string }[] };
    expect(actions.agents.length).toBeGreaterThan(0);
    expect(await api('/api/actions')).toEqual(actions);
    const detail = await api<Record<string, unknown>>(`/api/runs/${doneRun}`);
    const cliStatus = JSON.parse((await runCli(['workflow', 'status', doneRun, '--json'], { cwd: dir })).stdout) as Record<string, unknown>;
    expect(detail).toMatchObject(cliStatus);
    expect(detail.graph).toEqual({ one: { depends_on: [], kind: 'action', engine: null } });
  }, 60_000);

  it('streams events appended to events.jsonl, approves a waiting step, and the run finishes', async () => {
    const run = startCli(['workflow', 'execute', '--workflow', 'gated.yaml', '--json'], { cwd: dir });
    processes.push(run);
    await waitFor(() => run.stdout().includes('"step.waiting_approval"'), 'the approval step');
    const runId = (JSON.parse(run.stdout().split('\n')[0] as string) as { runId: string }).runId;
    const controller = new AbortController();
    const stream = await fetch(`http://127.0.0.1:${dashboard.port}/api/events?run=${runId}`, { headers: { 'x-tapps-token': dashboard.token }, signal: controller.signal });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    const readUntil = async (text: string) => {
      const deadline = Date.now() + 30_000;
      while (!seen.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in the stream: ${seen}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        seen += value;
      }
    };
    try {
      await readUntil('"step.waiting_approval"');
      const approved = await api<Record<string, unknown>>(`/api/runs/${runId}/steps/sign-off/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ comment: 'looks good' }) });
      expect(approved).toMatchObject({ run_id: runId, step_id: 'sign-off', decision: { decision: 'approved', comment: 'looks good' }, needs_resume: false });
      await readUntil('"run.finished"');
      expect(seen).toContain('event: run-event');
      expect((await run.exited).code).toBe(0);
      const again = await api(`/api/runs/${runId}/steps/sign-off/reject`, { method: 'POST' });
      expect(again).toMatchObject({ error: { code: 'CONFLICT' } });
      // A line appended by hand (any writer) reaches the stream too.
      await appendFile(path.join(dir, '.tapps-agents', 'workflow-state', runId, 'events.jsonl'), `${JSON.stringify({ schemaVersion: 1, ts: new Date().toISOString(), runId, type: 'test.marker' })}\n`);
      await readUntil('"test.marker"');
    } finally {
      controller.abort();
    }
  }, 90_000);

  it('cancel and resume do what workflow cancel and workflow resume do', async () => {
    const run = startCli(['workflow', 'execute', '--workflow', 'gated.yaml', '--json'], { cwd: dir });
    processes.push(run);
    await waitFor(() => run.stdout().includes('"step.waiting_approval"'), 'the approval step');
    const runId = (JSON.parse(run.stdout().split('\n')[0] as string) as { runId: string }).runId;
    const cancelled = await api(`/api/runs/${runId}/cancel`, { method: 'POST' });
    expect(cancelled).toEqual({ run_id: runId, action: 'signalled', pid: run.pid, status: 'running' });
    expect((await run.exited).code).toBe(130);
    await waitFor(async () => (await api<{ status: string }>(`/api/runs/${runId}`)).status === 'cancelled', 'the run to be cancelled');

    const resumed = await api<{ run_id: string; pid: number; log_file: string }>(`/api/runs/${runId}/resume`, { method: 'POST' });
    expect(resumed.run_id).toBe(runId);
    expect(resumed.log_file).toBe(path.join(dir, '.tapps-agents', 'workflow-state', runId, 'dashboard-resume.log'));
    try {
      await waitFor(async () => (await api<{ status: string }>(`/api/runs/${runId}`)).status === 'waiting_approval', 'the resumed run to wait for approval');
      await api(`/api/runs/${runId}/steps/sign-off/approve`, { method: 'POST' });
      await waitFor(async () => (await api<{ status: string }>(`/api/runs/${runId}`)).status === 'succeeded', 'the resumed run to succeed');
      const again = await api(`/api/runs/${runId}/resume`, { method: 'POST' });
      expect(again).toEqual({ error: { code: 'CONFLICT', message: `Run ${runId} already succeeded; start a new run with "tapps-agents workflow execute --workflow ${path.join(dir, 'gated.yaml')}"`, details: {} } });
    } finally {
      try {
        process.kill(resumed.pid, 'SIGKILL');
      } catch {
        // finished already
      }
    }
  }, 120_000);
});
