// Run: the step graph, the attempt timeline, the event log, the selected step's details (agent, action, engine,
// attempts, error, outputs, artifacts, prompt, step files), and Approve/Reject, Cancel, Resume — each calling the
// API route that does what the CLI command does. Live: new events arrive over SSE and the run is re-read.

import { get, post, seg } from './api.js';
import { attemptTimeline } from './attempt-timeline.js';
import { h, show } from './dom.js';
import { duration, since, time } from './format.js';
import { coalesce, listen } from './live.js';
import { runGraph } from './run-graph.js';
import { badge, resumeButton } from './runs-page.js';
import type { RunDetail, RunEvent, StepState } from './types.js';

interface StepReport {
  step: StepState;
  prompt: string | null;
  prompt_file: string | null;
  files: { artifacts: string[]; step_files: string[] };
}

const RESUMABLE = new Set(['interrupted', 'failed', 'cancelled', 'completed_with_failures']);

function eventLine(event: RunEvent): HTMLElement {
  const { type, ts, stepId, schemaVersion: _v, runId: _r, ...rest } = event;
  const extra = Object.entries(rest)
    .filter(([, value]) => typeof value !== 'object')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return h('li', { 'data-type': type }, h('time', {}, ts.slice(11, 23)), ' ', h('b', {}, type), stepId === undefined ? '' : ` ${stepId}`, extra === '' ? '' : h('span', { class: 'sub' }, ` ${extra}`));
}

export function runPage(root: HTMLElement, runId: string): void {
  let run: RunDetail | undefined;
  let selected: string | undefined;
  let opened: { stepId: string; place: 'artifact' | 'step'; name: string } | undefined;
  const message = h('p', { class: 'error', role: 'alert' });
  const header = h('div');
  const graph = h('section', { class: 'card' });
  const timeline = h('section', { class: 'card' });
  const details = h('section', { class: 'card details' });
  const log = h('ol', { class: 'events', 'aria-label': 'events' });
  const act = (path: string, body?: unknown) => {
    message.textContent = '';
    post(`/api/runs/${seg(runId)}/${path}`, body).then(load, (error: unknown) => (message.textContent = (error as Error).message));
  };

  const renderHeader = (current: RunDetail) => {
    const waiting = Object.entries(current.steps).filter(([, step]) => step.status === 'waiting_approval');
    const live = current.status === 'running' || current.status === 'waiting_approval';
    show(
      header,
      h('h1', {}, 'Run ', h('code', {}, current.run_id), ' ', badge(current.status)),
      h('p', { class: 'sub' }, `${current.workflow_name} (${current.workflow_file}) · ${current.summary} · started ${time(current.started_at)} · ${duration(since(current.started_at, current.completed_at))} · executor pid ${current.executor.pid} on ${current.executor.host} · transport ${current.transport}`),
      current.error === null ? null : h('p', { class: 'error run-error' }, `Error: ${current.error}`),
      h(
        'div',
        { class: 'actions' },
        waiting.map(([stepId, step]) =>
          h(
            'div',
            { class: 'approval', 'data-step': stepId },
            h('span', {}, `Step "${stepId}" waits for approval${typeof step.outputs.prompt === 'string' ? `: ${step.outputs.prompt}` : ''}`),
            h('button', { class: 'approve', onclick: () => act(`steps/${seg(stepId)}/approve`) }, 'Approve'),
            h('button', { class: 'reject', onclick: () => act(`steps/${seg(stepId)}/reject`) }, 'Reject'),
          ),
        ),
        live && current.status !== 'interrupted' ? h('button', { class: 'cancel', onclick: () => act('cancel') }, 'Cancel') : null,
        RESUMABLE.has(current.status) ? resumeButton(runId, (text) => (message.textContent = text)) : null,
      ),
    );
  };

  const renderDetails = async () => {
    if (selected === undefined || run === undefined) {
      show(details, h('p', { class: 'sub' }, 'Select a step in the graph to see its details.'));
      return;
    }
    const stepId = selected;
    const fileText = (place: 'artifact' | 'step', name: string) =>
      get<{ path: string; text: string; truncated: boolean }>(`/api/runs/${seg(runId)}/steps/${seg(stepId)}/file?place=${place}&path=${encodeURIComponent(name)}`).then(
        (file) => `${file.path}${file.truncated ? ' (last 256 KiB)' : ''}\n\n${file.text}`,
        (error: unknown) => (error as Error).message,
      );
    // The file open in the viewer is read again with the step (a log's tail follows it while it runs), before the
    // details are redrawn, so the view never blinks empty.
    const shown = opened?.stepId === stepId ? opened : undefined;
    const [report, text] = await Promise.all([get<StepReport>(`/api/runs/${seg(runId)}/steps/${seg(stepId)}`), shown === undefined ? '' : fileText(shown.place, shown.name)]);
    if (selected !== stepId) return;
    const { step } = report;
    const viewer = h('pre', { class: 'file' }, text);
    const open = (place: 'artifact' | 'step', name: string) => {
      opened = { stepId, place, name };
      return fileText(place, name).then((loaded) => (viewer.textContent = loaded));
    };
    const attempts = (run.events ?? []).filter((event) => event.stepId === stepId && (event.type === 'step.finished' || event.type === 'step.retry'));
    show(
      details,
      h('h2', {}, `Step ${stepId} `, badge(step.status)),
      h(
        'dl',
        {},
        h('dt', {}, 'Action'),
        h('dd', {}, step.agent === undefined ? 'approval' : `${step.agent} ${step.action ?? ''}`),
        h('dt', {}, 'Engine'),
        h('dd', {}, run.graph[stepId]?.engine ?? 'default'),
        h('dt', {}, 'Attempt'),
        h('dd', {}, String(step.attempt)),
        h('dt', {}, 'Time'),
        h('dd', {}, step.started_at === null ? 'not started' : `${time(step.started_at)} · ${duration(since(step.started_at, step.completed_at))}`),
        step.skip_reason === undefined ? null : [h('dt', {}, 'Skipped'), h('dd', {}, step.skip_reason)],
      ),
      step.error === null ? null : h('p', { class: 'error step-error' }, `${step.error.message} (${step.error.code})`),
      attempts.length === 0 ? null : h('h3', {}, 'Attempts'),
      attempts.length === 0 ? null : h('ul', {}, attempts.map((event) => h('li', {}, `attempt ${typeof event.attempt === 'number' ? event.attempt : '?'}: ${event.type === 'step.retry' ? `failed, retry in ${duration(Number(event.delayMs))}: ${typeof event.error === 'string' ? event.error : ''}` : `${String(event.status)}${typeof event.error === 'string' ? `: ${event.error}` : ''}`}`))),
      h('h3', {}, 'Outputs'),
      h('pre', { class: 'outputs' }, JSON.stringify(step.outputs, null, 2)),
      h('h3', {}, 'Artifacts'),
      report.files.artifacts.length === 0 ? h('p', { class: 'sub' }, 'none') : h('ul', {}, report.files.artifacts.map((name) => h('li', {}, h('a', { href: '#', onclick: (event: Event) => (event.preventDefault(), void open('artifact', name)) }, name)))),
      h('h3', {}, 'Step files (log, command, status)'),
      report.files.step_files.length === 0 ? h('p', { class: 'sub' }, 'none') : h('ul', {}, report.files.step_files.map((name) => h('li', {}, h('a', { href: '#', onclick: (event: Event) => (event.preventDefault(), void open('step', name)) }, name)))),
      viewer,
      h('h3', {}, 'Prompt'),
      report.prompt === null ? h('p', { class: 'sub' }, 'No prompt: this step has not sent one (builtin, shell and approval steps never do).') : h('pre', { class: 'prompt' }, report.prompt),
    );
  };

  const render = () => {
    if (run === undefined) return;
    renderHeader(run);
    show(graph, h('h2', {}, 'Steps'), runGraph(run, selected, (stepId) => ((selected = stepId), render(), void renderDetails())));
    show(timeline, h('h2', {}, 'Attempts'), attemptTimeline(run));
  };

  const refresh = async () => {
    try {
      const fresh = await get<RunDetail>(`/api/runs/${seg(runId)}`);
      // The events streamed meanwhile are kept: the fresh read has them too, up to its offset.
      run = fresh;
      show(log, fresh.events.map(eventLine));
      render();
      if (selected !== undefined) await renderDetails();
    } catch (error) {
      message.textContent = (error as Error).message;
    }
  };
  const load = coalesce(refresh);

  show(root, h('p', {}, h('a', { href: '#/runs' }, '← Runs')), message, header, graph, timeline, details, h('section', { class: 'card' }, h('h2', {}, 'Events'), log));
  void (async () => {
    await refresh();
    void renderDetails();
    listen(
      {
        onRunEvent: (_offset, event) => {
          // Shown at once, before the state is re-read.
          log.append(eventLine(event));
          run?.events.push(event);
          load();
        },
        onRunsChanged: (ids) => ids.includes(runId) && load(),
        onTick: load,
      },
      { id: runId, offset: run?.events_offset ?? 0 },
    );
  })();
}
