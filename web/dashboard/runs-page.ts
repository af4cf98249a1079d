// Runs: every run, newest first, with status, progress, duration; filters by status and workflow; Resume on an
// interrupted run. Shown a page at a time (the newest PAGE, then PAGE more on each "Show more"), filtered by the
// server, so a project with thousands of runs loads what fits on the screen. Live: re-read when any run's files change.

import { get, post, seg } from './api.js';
import { h, s, show } from './dom.js';
import { duration, since, time } from './format.js';
import { coalesce, listen } from './live.js';
import type { RunListEntry } from './types.js';

const STATUSES = ['running', 'waiting_approval', 'interrupted', 'succeeded', 'completed_with_failures', 'failed', 'cancelled'];
const filters = { status: '', workflow: '' };
/** Rows shown at first and added by each "Show more". */
const PAGE = 100;

export function badge(status: string): HTMLElement {
  return h('span', { class: `badge ${status}`, 'data-status': status }, status.replace(/_/g, ' '));
}

export function resumeButton(runId: string, onError: (message: string) => void): HTMLElement {
  return h(
    'button',
    {
      class: 'resume',
      onclick: (event: Event) => {
        const button = event.currentTarget as HTMLButtonElement;
        button.disabled = true;
        post(`/api/runs/${seg(runId)}/resume`).catch((error: unknown) => {
          button.disabled = false;
          onError((error as Error).message);
        });
      },
    },
    'Resume',
  );
}

function progress(run: RunListEntry): HTMLElement {
  const total = Object.values(run.steps).reduce((sum, count) => sum + count, 0);
  const done = (run.steps.succeeded ?? 0) + (run.steps.failed ?? 0) + (run.steps.skipped ?? 0) + (run.steps.cancelled ?? 0);
  // Drawn in the run's own colour (a <meter> is always green: a failed run must not look like a good one).
  const width = Math.round((PROGRESS_WIDTH * done) / (total || 1));
  return h(
    'span',
    { class: 'progress', title: Object.entries(run.steps).map(([status, count]) => `${count} ${status}`).join(', ') },
    s(
      'svg',
      { class: `progress-bar ${run.status}`, width: PROGRESS_WIDTH, height: 8, role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': done },
      s('rect', { class: 'track', width: PROGRESS_WIDTH, height: 8, rx: 4 }),
      width === 0 ? null : s('rect', { class: 'done', width, height: 8, rx: 4 }),
    ),
    ` ${done}/${total}`,
  );
}

const PROGRESS_WIDTH = 80;

export function runsPage(root: HTMLElement): void {
  const message = h('p', { class: 'error', role: 'alert' });
  const body = h('div');
  let limit = PAGE;
  const load = coalesce(async () => {
    const query = new URLSearchParams({ status: filters.status, workflow: filters.workflow, limit: String(limit) });
    const shown = await get<{ runs: RunListEntry[]; total: number; matched: number; workflows: string[] }>(`/api/runs?${query.toString()}`);
    const workflows = filters.workflow === '' || shown.workflows.includes(filters.workflow) ? shown.workflows : [...shown.workflows, filters.workflow].sort();
    const select = (name: 'status' | 'workflow', values: string[], label: string) =>
      h(
        'label',
        {},
        `${label} `,
        h(
          'select',
          { name, onchange: (event: Event) => ((filters[name] = (event.target as HTMLSelectElement).value), (limit = PAGE), load()) },
          h('option', { value: '' }, 'all'),
          values.map((value) => h('option', { value, selected: filters[name] === value }, value)),
        ),
      );
    const more =
      shown.matched > shown.runs.length
        ? h('p', { class: 'more' }, h('button', { class: 'more', onclick: () => ((limit += PAGE), load()) }, `Show ${Math.min(PAGE, shown.matched - shown.runs.length)} more`), ` (${shown.matched - shown.runs.length} older not shown)`)
        : null;
    show(
      body,
      h('div', { class: 'filters' }, select('status', STATUSES, 'Status'), select('workflow', workflows, 'Workflow'), h('span', { class: 'count' }, countText(shown))),
      shown.runs.length === 0
        ? h('p', { class: 'empty' }, shown.total === 0 ? 'No runs yet. Start one with: tapps-agents workflow execute --workflow FILE' : 'No run matches the filter.')
        : h(
            'table',
            { class: 'runs' },
            h('thead', {}, h('tr', {}, ['Run', 'Workflow', 'Status', 'Progress', 'Duration', 'Started', ''].map((title) => h('th', {}, title)))),
            h(
              'tbody',
              {},
              shown.runs.map((run) =>
                h(
                  'tr',
                  { 'data-run': run.run_id },
                  h('td', {}, h('a', { href: `#/runs/${seg(run.run_id)}` }, run.run_id)),
                  h('td', {}, run.workflow_name),
                  h('td', {}, badge(run.status)),
                  h('td', {}, progress(run)),
                  h('td', {}, duration(since(run.started_at, run.completed_at))),
                  h('td', {}, time(run.started_at)),
                  h('td', {}, run.status === 'interrupted' ? resumeButton(run.run_id, (text) => (message.textContent = text)) : null),
                ),
              ),
            ),
          ),
      more,
    );
  });
  show(root, h('h1', {}, 'Runs'), message, body);
  // The first read does not wait for the stream; `ready` reads again (what changed while the stream opened).
  load();
  listen({ onReady: load, onRunsChanged: load, onTick: load });
}

function countText(shown: { runs: unknown[]; total: number; matched: number }): string {
  const matched = shown.matched === shown.total ? `${shown.total} runs` : `${shown.matched} of ${shown.total} runs match`;
  return shown.runs.length === shown.matched ? matched : `newest ${shown.runs.length} of ${matched}`;
}
