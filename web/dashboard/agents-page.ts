// Agents: live background agents (daemon and embedded runners, any other kind status lists) with their busy slots and
// what each runs, the active runs with their running steps (as `auto-execution status --json`), and the health checks
// with the verdicts of `auto-execution health`.

import { get } from './api.js';
import { h, show } from './dom.js';
import { time } from './format.js';
import { coalesce, listen } from './live.js';
import { badge } from './runs-page.js';

/** One busy slot: which attempt of which step of which run it runs (null where the command file names none). */
interface Slot {
  run_id: string | null;
  workflow_id?: string | null;
  step_id: string | null;
  attempt: number | null;
  started_at: string | null;
  command_file?: string;
}
/**
 * A runner entry of `auto-execution status --json`, read generically: whatever kind it is (daemon, embedded, a queue
 * worker), it has a host and a pid, and it may say its slots (max_parallel, busy, the busy slots).
 */
interface Runner {
  kind?: string;
  mode?: string;
  id: string | null;
  pid: number;
  host: string;
  state: string;
  alive: boolean;
  stalled: boolean;
  heartbeat_at: string | null;
  run_id?: string | null;
  max_parallel?: number | null;
  busy?: number;
  slots?: Slot[];
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

/** How many slots run a step: the entry's own count, else its listed slots, else (an older runner) its running count. */
function busyOf(runner: Runner): number | null {
  if (typeof runner.busy === 'number') return runner.busy;
  if (Array.isArray(runner.slots)) return runner.slots.length;
  const running = (runner.counts as Record<string, unknown> | undefined)?.running;
  return typeof running === 'number' ? running : null;
}

/** The slots as boxes, busy ones filled ("2/4" beside), for a runner that is alive. */
function slotMeter(runner: Runner): HTMLElement | string {
  const busy = busyOf(runner);
  if (!runner.alive || busy === null) return '–';
  const max = typeof runner.max_parallel === 'number' ? runner.max_parallel : null;
  const boxes = max === null ? [] : Array.from({ length: Math.min(max, 32) }, (_, index) => h('span', { class: index < busy ? 'slot busy' : 'slot' }));
  return h('span', { class: 'slots', 'data-busy': busy, 'data-max': max ?? '' }, boxes, ` ${String(busy)}${max === null ? '' : `/${String(max)}`}`);
}

/** What one busy slot runs: the run (linked), step and attempt, since when. */
function slotLine(slot: Slot): HTMLElement {
  const since = ` since ${time(slot.started_at)}`;
  if (slot.run_id === null) return h('li', { 'data-slot': slot.command_file ?? '' }, `command ${slot.command_file ?? '?'}`, since);
  return h(
    'li',
    { 'data-slot': `${slot.run_id}/${slot.step_id ?? ''}` },
    h('a', { href: `#/runs/${encodeURIComponent(slot.run_id)}` }, slot.run_id),
    ` step ${slot.step_id ?? '?'}`,
    slot.attempt === null ? '' : ` (attempt ${String(slot.attempt)})`,
    since,
  );
}

/** A runner's row, and under it (while it is alive) a row listing what each busy slot runs. */
function runnerRows(runner: Runner): HTMLElement[] {
  const kind = runner.kind ?? runner.mode ?? 'daemon';
  const key = `${runner.host}/${String(runner.pid)}`;
  const row = h(
    'tr',
    { 'data-runner': String(runner.pid), 'data-kind': kind, 'data-host': runner.host },
    h('td', {}, `${runner.id ?? 'runner'} (pid ${String(runner.pid)})${runner.run_id ? ` for ${runner.run_id}` : ''}`),
    h('td', {}, kind),
    h('td', {}, runner.host),
    h('td', {}, runnerState(runner)),
    h('td', {}, slotMeter(runner)),
    h('td', {}, time(runner.heartbeat_at)),
  );
  const slots = runner.alive && Array.isArray(runner.slots) ? runner.slots : [];
  if (slots.length === 0) return [row];
  return [row, h('tr', { class: 'slot-row', 'data-slots-of': key }, h('td', { colspan: 6 }, h('ul', { class: 'slot-list' }, slots.map(slotLine))))];
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
            h('thead', {}, h('tr', {}, ['Agent', 'Kind', 'Host', 'State', 'Busy slots', 'Heartbeat'].map((title) => h('th', {}, title)))),
            h('tbody', {}, status.runners.map(runnerRows)),
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
