// The dashboard as a hono app: the access guard, the JSON API under /api (each route one call of the library
// function the matching CLI command makes), the live stream, and the shipped single-page app.

import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describeAgents } from '../agents/describe-agents.js';
import { resolveConfig } from '../config/resolve.js';
import { TappsError, type ErrorCode } from '../errors.js';
import { runHealthChecks } from '../health/health.js';
import { executionMetrics } from '../observability/execution-queries.js';
import { autoExecutionStatus, statusJson } from '../project-status/execution-status.js';
import { metricsJson } from '../observability/metrics-json.js';
import { parseSince } from '../observability/record-filter.js';
import { cancelRun, decideApproval, listRunsReport, stepStatus } from '../workflow/run-control.js';
import { accessGuard, type AccessPolicy } from './access-guard.js';
import { loadAssets, type Assets } from './assets.js';
import { liveStream } from './live-stream.js';
import type { ProjectWatch } from './project-watch.js';
import { resumeFromDashboard } from './resume-run.js';
import { runDetail } from './run-detail.js';
import { listStepFiles, readStepFile } from './step-files.js';

/** What the app serves. */
export interface DashboardAppOptions extends AccessPolicy {
  projectRoot: string;
  watch: ProjectWatch;
  /** The built front end. @default loadAssets() */
  assets?: Assets;
}

/** HTTP status of each library error (the body is the CLI's --json error: code, message, details). */
const HTTP_STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  USAGE: 400,
  RUN_NOT_FOUND: 404,
  FILE_UNREADABLE: 404,
  CONFLICT: 409,
  LOCK_HELD: 409,
  TIMEOUT: 504,
  OUTSIDE_PROJECT: 403,
  CONFIG_INVALID: 422,
  RUN_DAMAGED: 422,
};

function errorResponse(c: Context, error: unknown): Response {
  if (TappsError.is(error)) return c.json({ error: { code: error.code, message: error.message, details: error.details } }, HTTP_STATUS[error.code] ?? 500);
  return c.json({ error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } }, 500);
}

async function commentOf(c: Context): Promise<string | undefined> {
  if (!(c.req.header('content-type') ?? '').includes('application/json')) return undefined;
  const body = (await c.req.json().catch(() => ({}))) as { comment?: unknown };
  return typeof body.comment === 'string' && body.comment !== '' ? body.comment : undefined;
}

/** A non-negative whole number from the query, or undefined when absent. @throws {TappsError} USAGE */
function count(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new TappsError('USAGE', `${name} must be a whole number of 0 or more, not "${text}"`);
  return value;
}

/** Builds the app. Every route under /api answers JSON; errors as `{ error: { code, message } }`. */
export function createDashboardApp(options: DashboardAppOptions): Hono {
  const { projectRoot } = options;
  const assets = options.assets ?? loadAssets();
  const app = new Hono();
  app.onError((error, c) => errorResponse(c, error));
  app.use('*', accessGuard(options));
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
  });

  app.get('/api/runs', async (c) => {
    const { runs, damaged } = await listRunsReport(projectRoot);
    const status = c.req.query('status');
    const workflow = c.req.query('workflow');
    // run.status is the status workflow list shows (displayedStatus): "interrupted" finds the runs whose executor died.
    const matching = runs.filter((run) => (status === undefined || status === '' || run.status === status) && (workflow === undefined || workflow === '' || run.workflow_id === workflow));
    const offset = count(c.req.query('offset'), 'offset') ?? 0;
    const limit = count(c.req.query('limit'), 'limit');
    const shown = matching.slice(offset, limit === undefined ? undefined : offset + limit);
    const workflows = [...new Set(runs.map((run) => run.workflow_id))].sort();
    return c.json({ runs: shown, damaged, total: runs.length, matched: matching.length, workflows });
  });
  app.get('/api/runs/:run', async (c) => c.json(await runDetail(projectRoot, c.req.param('run'))));
  app.get('/api/runs/:run/steps/:step', async (c) => {
    const [report, files] = await Promise.all([stepStatus(projectRoot, c.req.param('run'), c.req.param('step')), listStepFiles(projectRoot, c.req.param('run'), c.req.param('step'))]);
    return c.json({ ...report, files });
  });
  app.get('/api/runs/:run/steps/:step/file', async (c) => {
    const place = c.req.query('place') === 'step' ? 'step' : 'artifact';
    return c.json(await readStepFile(projectRoot, c.req.param('run'), c.req.param('step'), place, c.req.query('path') ?? ''));
  });
  app.post('/api/runs/:run/cancel', async (c) => c.json(await cancelRun(projectRoot, c.req.param('run'))));
  app.post('/api/runs/:run/resume', async (c) => c.json(await resumeFromDashboard(projectRoot, c.req.param('run'))));
  app.post('/api/runs/:run/steps/:step/approve', async (c) => c.json(await decideApproval(projectRoot, c.req.param('run'), c.req.param('step'), 'approved', await commentOf(c))));
  app.post('/api/runs/:run/steps/:step/reject', async (c) => c.json(await decideApproval(projectRoot, c.req.param('run'), c.req.param('step'), 'rejected', await commentOf(c))));

  app.get('/api/metrics', async (c) => {
    const workflowId = c.req.query('workflow_id') || undefined;
    const sinceText = c.req.query('since') || undefined;
    const since = sinceText === undefined ? undefined : parseSince(sinceText);
    const report = await executionMetrics({ projectRoot, ...(workflowId === undefined ? {} : { workflowId }), ...(since === undefined ? {} : { since }) });
    return c.json(metricsJson(report, { workflowId, since }));
  });
  app.get('/api/runners', async (c) => c.json(statusJson(await autoExecutionStatus({ projectRoot }))));
  app.get('/api/health', async (c) => c.json(await runHealthChecks(projectRoot)));
  // `agents list --json`: the agents, their actions and the engine each model-backed one would use (read each time: the
  // configuration may change while the dashboard runs).
  app.get('/api/actions', async (c) => c.json({ agents: describeAgents({ config: await resolveConfig({ projectRoot }) }) }));
  app.get('/api/events', (c) => liveStream(c, projectRoot, options.watch));
  app.all('/api/*', (c) => c.json({ error: { code: 'USAGE', message: `No API route ${c.req.method} ${c.req.path}; see docs/dashboard.md` } }, 404));

  app.get('/assets/:name', (c) => {
    const asset = assets.files.get(c.req.param('name'));
    if (asset === undefined) return c.json({ error: { code: 'USAGE', message: `No asset ${c.req.param('name')}` } }, 404);
    return c.body(asset.body, 200, { 'Content-Type': asset.type });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/', (c) => c.html(assets.index));
  return app;
}
