// The attempts of a run's steps over time (a Gantt chart) from its events: each attempt from step.started to its
// step.finished or step.retry, the wait before a retry, and the wait for an approval.

import { s } from './dom.js';
import type { RunDetail, RunEvent } from './types.js';

interface Bar {
  stepId: string;
  from: number;
  to: number;
  kind: string;
  label: string;
}

/** The bars of the chart, from the events in order (an open bar ends now). */
export function timelineBars(events: readonly RunEvent[], now: number): Bar[] {
  const bars: Bar[] = [];
  const open = new Map<string, Bar>();
  const close = (stepId: string, at: number, kind?: string) => {
    const bar = open.get(stepId);
    if (bar === undefined) return;
    bar.to = at;
    if (kind !== undefined) bar.kind = kind;
    open.delete(stepId);
  };
  for (const event of events) {
    const stepId = event.stepId;
    if (stepId === undefined) continue;
    const at = Date.parse(event.ts);
    if (event.type === 'step.started') {
      close(stepId, at);
      const bar = { stepId, from: at, to: now, kind: 'running', label: `attempt ${typeof event.attempt === 'number' ? event.attempt : 1}` };
      bars.push(bar);
      open.set(stepId, bar);
    } else if (event.type === 'step.waiting_approval') {
      close(stepId, at);
      const bar = { stepId, from: at, to: now, kind: 'waiting_approval', label: 'waiting for approval' };
      bars.push(bar);
      open.set(stepId, bar);
    } else if (event.type === 'step.retry') {
      close(stepId, at, 'failed');
      const until = typeof event.retryAt === 'string' ? Date.parse(event.retryAt) : typeof event.delayMs === 'number' ? at + event.delayMs : at;
      bars.push({ stepId, from: at, to: Math.max(at, until), kind: 'retry_wait', label: 'waiting to retry' });
    } else if (event.type === 'step.finished') {
      close(stepId, at, typeof event.status === 'string' ? event.status : 'succeeded');
    }
  }
  return bars;
}

export function attemptTimeline(run: RunDetail): SVGElement {
  const now = run.completed_at === null ? Date.now() : Date.parse(run.completed_at);
  const bars = timelineBars(run.events, now);
  const start = Date.parse(run.started_at);
  const span = Math.max(now - start, 1);
  const rows = Object.keys(run.steps);
  const labelW = 140;
  const width = 760;
  const rowH = 22;
  const x = (at: number) => labelW + ((at - start) / span) * (width - labelW - 10);
  return s(
    'svg',
    { class: 'timeline', width, height: rows.length * rowH + 24, viewBox: `0 0 ${width} ${rows.length * rowH + 24}` },
    rows.map((id, index) => s('text', { x: 4, y: index * rowH + 15 }, id.length > 18 ? `${id.slice(0, 17)}…` : id)),
    bars.map((bar) => {
      const row = rows.indexOf(bar.stepId);
      const left = x(bar.from);
      return s('rect', { class: `bar ${bar.kind}`, x: left, y: row * rowH + 4, width: Math.max(2, x(bar.to) - left), height: rowH - 8, rx: 3 }, s('title', {}, `${bar.stepId}: ${bar.label} (${Math.round(bar.to - bar.from)} ms)`));
    }),
    s('text', { x: labelW, y: rows.length * rowH + 18, class: 'sub' }, '0'),
    s('text', { x: width - 10, y: rows.length * rowH + 18, class: 'sub', 'text-anchor': 'end' }, `${((now - start) / 1000).toFixed(1)} s`),
  );
}
