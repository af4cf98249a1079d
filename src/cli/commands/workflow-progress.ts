// How a run is shown while it runs: on a terminal a live step list redrawn in place (state, attempt, elapsed);
// elsewhere one plain line per event; with --json one JSON event per line. Always a final summary.

import { describeRunOutcome, type RunEvent, type RunState } from '../../workflow/run-state.js';
import { colour, columns } from '../output.js';

/** Receives run events and draws them. */
export interface ProgressView {
  onEvent(event: RunEvent): void;
  /** Stops redrawing and prints the final summary. */
  finish(state: RunState | undefined): void;
}

interface Row {
  id: string;
  status: string;
  attempt: number;
  startedAt?: number;
  endedAt?: number;
}

/** Picks the view for this output stream. */
export function createProgressView(options: { json: boolean; stream?: NodeJS.WriteStream }): ProgressView {
  const stream = options.stream ?? process.stdout;
  if (options.json) return jsonView(stream);
  return stream.isTTY ? liveView(stream) : lineView(stream);
}

function jsonView(stream: NodeJS.WriteStream): ProgressView {
  return {
    onEvent: (event) => stream.write(`${JSON.stringify(event)}\n`),
    finish: () => undefined,
  };
}

/** The text for an event that deserves its own line, or undefined. */
function eventLine(event: RunEvent): string | undefined {
  const step = event.stepId;
  switch (event.type) {
    case 'run.started':
    case 'run.resumed':
      return `Run ${event.runId} ${event.type === 'run.started' ? 'started' : 'resumed'}: ${String(event.workflowName)} (${(event.steps as string[]).length} steps, transport ${String(event.transport)})`;
    case 'step.started':
      return `step ${step}: started (attempt ${String(event.attempt)})`;
    case 'step.finished': {
      const status = String(event.status);
      const paint = status === 'succeeded' ? colour.ok : status === 'failed' ? colour.error : colour.warn;
      const detail = typeof event.error === 'string' ? `: ${event.error}` : '';
      const onError = status === 'failed' && event.onError === 'continue' ? ' (on_error: continue)' : '';
      return `step ${step}: ${paint(status)} (attempt ${String(event.attempt)})${onError}${detail}`;
    }
    case 'step.replaced':
      return `step ${step}: replaced ${(event.files as { file: string; previous: string }[]).map((entry) => `${entry.file} (previous content kept in ${entry.previous})`).join(', ')}`;
    case 'step.skipped':
      return `step ${step}: ${colour.dim('skipped')}: ${String(event.reason)}`;
    case 'step.retry':
      return `step ${step}: attempt ${String(event.attempt)} failed: ${String(event.error)}; retrying in ${formatMs(Number(event.delayMs))} (attempt ${String(event.nextAttempt)})`;
    case 'step.waiting_approval':
      return `step ${step}: waiting for approval: ${String(event.prompt)}\n  approve: ${String(event.approve)}\n  reject:  ${String(event.reject)}`;
    case 'gate.passed':
    case 'gate.failed':
      return `step ${step}: gate ${event.type === 'gate.passed' ? 'passed' : 'failed'} (${String(event.condition)}) → ${String(event.target)}`;
    case 'gate.loop':
      return `step ${step}: gate loops back to "${String(event.to)}" (iteration ${String(event.iteration)} of ${String(event.maxIterations)})`;
    case 'gate.exhausted':
      return `step ${step}: gate loop stopped after ${String(event.iterations)} iterations`;
    case 'worktrees.notice':
      return colour.warn(String(event.message));
    case 'worktree.kept':
      return `step ${step}: worktree kept at ${String(event.path)} (${String(event.reason)})`;
    default:
      return undefined;
  }
}

function lineView(stream: NodeJS.WriteStream): ProgressView {
  return {
    onEvent(event) {
      if (event.type === 'run.finished') return;
      const line = eventLine(event);
      if (line !== undefined) stream.write(`${line}\n`);
    },
    finish: (state) => stream.write(summary(state)),
  };
}

function liveView(stream: NodeJS.WriteStream): ProgressView {
  const rows = new Map<string, Row>();
  let drawn = 0;
  const symbol: Record<string, string> = { pending: '·', running: '▶', waiting_approval: '?', succeeded: '✓', failed: '✗', skipped: '-', cancelled: '■' };
  const clear = () => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    const now = Date.now();
    // A long workflow does not fit: show the active steps and a count of the rest.
    const room = Math.max(5, (stream.rows || 24) - 4);
    const all = [...rows.values()];
    const shown = all.length <= room ? all : all.filter((row) => row.status === 'running' || row.status === 'waiting_approval').slice(0, room - 1);
    const hidden = new Map<string, number>();
    for (const row of all) if (!shown.includes(row)) hidden.set(row.status, (hidden.get(row.status) ?? 0) + 1);
    const lines = columns(
      shown.map((row) => [
        ` ${symbol[row.status] ?? ' '} ${row.id}`,
        paint(row.status),
        row.attempt > 0 ? `attempt ${row.attempt}` : '',
        row.startedAt === undefined ? '' : formatMs((row.endedAt ?? now) - row.startedAt),
      ]),
    );
    if (hidden.size > 0) lines.push(colour.dim(`   … ${[...hidden].map(([status, count]) => `${count} ${status}`).join(', ')}`));
    stream.write(lines.map((line) => `${line}\n`).join(''));
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    clear();
    draw();
  }, 250);
  timer.unref();
  return {
    onEvent(event) {
      if (event.type === 'run.started' || event.type === 'run.resumed') for (const id of event.steps as string[]) rows.set(id, { id, status: 'pending', attempt: 0 });
      const row = event.stepId === undefined ? undefined : rows.get(event.stepId);
      if (row !== undefined) {
        if (event.type === 'step.started') Object.assign(row, { status: 'running', attempt: Number(event.attempt), startedAt: Date.now(), endedAt: undefined });
        if (event.type === 'step.finished') Object.assign(row, { status: String(event.status), endedAt: Date.now() });
        if (event.type === 'step.skipped') row.status = 'skipped';
        if (event.type === 'step.waiting_approval') Object.assign(row, { status: 'waiting_approval', startedAt: Date.now() });
        if (event.type === 'gate.loop') row.status = 'pending';
      }
      // Only what a person must read stays above the live list: failures, retries, approvals, gate decisions.
      const notable = ['run.started', 'run.resumed', 'worktrees.notice', 'worktree.kept', 'step.retry', 'step.waiting_approval', 'gate.loop', 'gate.exhausted', 'gate.failed', 'step.replaced'].includes(event.type) || (event.type === 'step.finished' && event.status === 'failed');
      clear();
      if (notable) stream.write(`${eventLine(event) ?? ''}\n`);
      draw();
    },
    finish(state) {
      clearInterval(timer);
      clear();
      stream.write(summary(state));
    },
  };
}

function paint(status: string, text = status): string {
  if (status === 'succeeded') return colour.ok(text);
  if (status === 'failed') return colour.error(text);
  if (status === 'completed_with_failures') return colour.warn(text);
  if (status === 'running' || status === 'waiting_approval') return colour.bold(text);
  return colour.dim(text);
}

/** The closing summary of a run. */
export function summary(state: RunState | undefined): string {
  if (state === undefined) return '';
  const steps = Object.entries(state.steps);
  const counts = new Map<string, number>();
  for (const [, step] of steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  const elapsed = state.completed_at === null ? '' : ` in ${formatMs(Date.parse(state.completed_at) - Date.parse(state.started_at))}`;
  const lines = [
    '',
    `Run ${state.run_id} ${paint(state.status, describeRunOutcome(state.status, state.failed_steps))}${elapsed}: ${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}`,
    ...columns(
      // A long run lists only what did not simply succeed.
      (steps.length > 40 ? steps.filter(([, step]) => step.status !== 'succeeded') : steps).map(([id, step]) => [
        `  ${id}`,
        paint(step.status),
        step.attempt > 0 ? `attempt ${step.attempt}` : '',
        step.started_at !== null && step.completed_at !== null ? formatMs(Date.parse(step.completed_at) - Date.parse(step.started_at)) : '',
        step.error?.message ?? step.skip_reason ?? '',
      ]),
    ),
  ];
  if (state.error !== null && state.status === 'failed') lines.push(`Error: ${state.error}`);
  if (state.status === 'completed_with_failures') lines.push(`Failed steps: ${steps.filter(([, step]) => step.status === 'failed').map(([id]) => id).join(', ')} (on_error: continue)`);
  if (state.status !== 'succeeded') lines.push(`Resume with: tapps-agents workflow resume ${state.run_id}`);
  lines.push(`Details: tapps-agents workflow status ${state.run_id}`);
  return `${lines.join('\n')}\n`;
}

/** 850 → "850ms", 1500 → "1.5s", 95000 → "1m35s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}
