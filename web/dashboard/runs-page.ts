// Runs: every run, newest first, with status, progress, duration; filters by status and workflow; Resume on an
// interrupted run. Live: re-read when any run's files change.

import { get, post, seg } from './api.js';
import { h, show } from './dom.js';
import { duration, since, time } from './format.js';
import { coalesce, listen } from './live.js';
import type { RunListEntry } from './types.js';

const STATUSES = ['running', 'waiting_approval', 'interrupted', 'succeeded', 'completed_with_failures', 'failed', 'cancelled'];
const filters = { status: '', workflow: '' };

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
  return h('span', { class: 'progress', title: Object.entries(run.steps).map(([status, count]) => `${count} ${status}`).join(', ') }, h('meter', { min: 0, max: total || 1, value: done }), ` ${done}/${total}`);
}

export function runsPage(root: HTMLElement): void {
  const message = h('p', { class: 'error', role: 'alert' });
  const body = h('div');
  const load = coalesce(async () => {
    // One read of every run (the workflow filter lists them all); filtered here as /api/runs?status=&workflow= does.
    const all = await get<{ runs: RunListEntry[] }>('/api/runs');
    const shown = { total: all.runs.length, runs: all.runs.filter((run) => (filters.status === '' || run.status === filters.status) && (filters.workflow === '' || run.workflow_id === filters.workflow)) };
    const workflows = [...new Set(all.runs.map((run) => run.workflow_id))].sort();
    const select = (name: 'status' | 'workflow', values: string[], label: string) =>
      h(
        'label',
        {},
        `${label} `,
        h(
          'select',
          { name, onchange: (event: Event) => ((filters[name] = (event.target as HTMLSelectElement).value), load()) },
          h('option', { value: '' }, 'all'),
          values.map((value) => h('option', { value, selected: filters[name] === value }, value)),
        ),
      );
    show(
      body,
      h('div', { class: 'filters' }, select('status', STATUSES, 'Status'), select('workflow', workflows, 'Workflow'), h('span', { class: 'count' }, `${shown.runs.length} of ${shown.total} runs`)),
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
    );
  });
  show(root, h('h1', {}, 'Runs'), message, body);
  listen({ onReady: load, onRunsChanged: load, onTick: load });
}
