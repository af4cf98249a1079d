// Agents: live background agents (daemon and embedded runners) with their busy slots, the runs and steps they are
// running (as `auto-execution status --json`), and the health checks with the verdicts of `auto-execution health`.

import { get } from './api.js';
import { h, show } from './dom.js';
import { time } from './format.js';
import { coalesce, listen } from './live.js';
import { badge } from './runs-page.js';

interface Runner {
  mode?: string;
  id: string | null;
  pid: number;
  host: string;
  state: string;
  alive: boolean;
  stalled: boolean;
  heartbeat_at: string | null;
  run_id?: string | null;
  [field: string]: unknown;
}
interface Status {
  runners: Runner[];
  active_runs: { run_id: string; workflow_id: string; status: string; steps: { step_id: string; attempt: number | null; started_at: string | null }[] }[];
}
interface Health {
  overall: string;
  checks: { name: string; status: string; message: string; fix?: string }[];
}

const VERDICT: Record<string, string> = { healthy: 'succeeded', degraded: 'completed_with_failures', unhealthy: 'failed' };

function runnerState(runner: Runner): string {
  if (runner.stalled) return 'stalled';
  if (runner.alive) return runner.state;
  return runner.state === 'stopped' ? 'stopped' : 'gone';
}

export function agentsPage(root: HTMLElement): void {
  const message = h('p', { class: 'error', role: 'alert' });
  const runners = h('section', { class: 'card' });
  const health = h('section', { class: 'card' });
  const loadStatus = coalesce(async () => {
    const status = await get<Status>('/api/runners');
    show(
      runners,
      h('h2', {}, `Background agents (${status.runners.length})`),
      status.runners.length === 0
        ? h('p', { class: 'empty' }, 'None running (an embedded runner starts with each workflow execute unless workflow.runner is "external").')
        : h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ['Agent', 'Mode', 'Host', 'State', 'Busy', 'Heartbeat'].map((title) => h('th', {}, title)))),
            h(
              'tbody',
              {},
              status.runners.map((runner) => {
                const counts = (runner.counts ?? {}) as Record<string, number>;
                const busy = typeof runner.running === 'number' ? runner.running : (counts.running ?? null);
                const slots = typeof runner.max_parallel === 'number' ? `/${runner.max_parallel}` : '';
                return h(
                  'tr',
                  { 'data-runner': String(runner.pid) },
                  h('td', {}, `${runner.id ?? 'runner'} (pid ${runner.pid})${runner.run_id ? ` for ${runner.run_id}` : ''}`),
                  h('td', {}, runner.mode ?? 'daemon'),
                  h('td', {}, runner.host),
                  h('td', {}, runnerState(runner)),
                  h('td', {}, busy === null ? '–' : `${String(busy)}${slots}`),
                  h('td', {}, time(runner.heartbeat_at)),
                );
              }),
            ),
          ),
      h('h2', {}, `Active runs (${status.active_runs.length})`),
      status.active_runs.length === 0
        ? h('p', { class: 'empty' }, 'No active run.')
        : h('ul', {}, status.active_runs.map((run) => h('li', {}, h('a', { href: `#/runs/${encodeURIComponent(run.run_id)}` }, run.run_id), ' ', badge(run.status), run.steps.length === 0 ? ' no step running' : ` running: ${run.steps.map((step) => `${step.step_id} (attempt ${String(step.attempt ?? '?')})`).join(', ')}`))),
    );
  });
  const loadHealth = coalesce(async () => {
    const report = await get<Health>('/api/health');
    show(
      health,
      h('h2', {}, 'Health ', h('span', { class: `badge ${VERDICT[report.overall] ?? ''}`, 'data-overall': report.overall }, report.overall)),
      h(
        'table',
        {},
        h('tbody', {}, report.checks.map((check) => h('tr', { 'data-check': check.name }, h('td', {}, h('span', { class: `badge ${VERDICT[check.status] ?? ''}` }, check.status)), h('td', {}, check.name), h('td', {}, check.message, check.fix === undefined ? null : h('div', { class: 'sub' }, `fix: ${check.fix}`))))),
      ),
    );
  });
  const load = () => {
    loadStatus();
    loadHealth();
  };
  show(root, h('h1', {}, 'Agents'), message, runners, health);
  listen({ onReady: load, onRunnersChanged: loadStatus, onRunsChanged: loadStatus, onTick: load });
}
