// Every timestamp a run writes (state.json, events.jsonl, an approval decision, a cancellation) comes from the Clock.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { resolveConfig } from '../config/resolve.js';
import { runPaths } from '../protocol/run-paths.js';
import type { Transport } from '../transport/transport.js';
import { writeApprovalDecision } from './approval.js';
import { isoNow, type Clock } from './clock.js';
import { executeRun } from './executor.js';
import { loadWorkflowOrThrow } from './load-workflow.js';
import { cancelRun, decideApproval } from './run-control.js';
import { newRunState } from './run-state-factories.js';
import { RunStore } from './run-store.js';

/** A clock stopped at `ms`: sleeps return at once, so retries do not wait. */
function fixedClock(ms: number): Clock {
  return { now: () => ms, sleep: () => Promise.resolve() };
}

const AT = Date.UTC(2031, 0, 2, 3, 4, 5);
const AT_ISO = '2031-01-02T03:04:05.000Z';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Every ISO-8601 string in `value`, with where it is. */
function timestamps(value: unknown, at = '$'): [string, string][] {
  if (typeof value === 'string') return ISO.test(value) ? [[at, value]] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => timestamps(inner, `${at}.${key}`));
}

const WORKFLOW = `id: wf
steps:
  - { id: flaky, run: "true", retry: { max_attempts: 2, backoff: 1s } }
  - { id: left-out, run: "true", condition: 'params.env == "prod"' }
  - id: sign-off
    approval: { prompt: "Ship it?", timeout: 1h }
  - { id: ship, run: "true", needs: [sign-off] }
`;

async function setup(clock: Clock) {
  const dir = await testdir({ 'wf.yaml': WORKFLOW });
  const config = await resolveConfig({ projectRoot: dir });
  const { workflow } = await loadWorkflowOrThrow(path.join(dir, 'wf.yaml'));
  const state = newRunState({ projectRoot: dir, workflow, runId: 'wf-run', params: { env: 'dev' }, autoExecution: false, transport: 'scripted', clock });
  return { dir, config, workflow, state };
}

describe('the run clock', () => {
  it('stamps state.json, every event and the approval decision with the clock, not the system time', async () => {
    const clock = fixedClock(AT);
    const { dir, config, workflow, state } = await setup(clock);
    let flakyRuns = 0;
    // A transport reports the attempt's own times; this one takes them from the same clock.
    const transport: Transport = {
      kind: 'scripted',
      run: (attempt) => {
        const failed = attempt.correlation.step_id === 'flaky' && flakyRuns++ === 0;
        const times = { startedAt: isoNow(clock), completedAt: isoNow(clock) };
        return Promise.resolve(failed ? { status: 'failed', outputs: {}, artifacts: [], error: { message: 'flaked', code: 'EXIT_CODE', retryable: true }, ...times } : { status: 'success', outputs: {}, artifacts: [], ...times });
      },
      close: () => Promise.resolve(),
    };
    const decision = await writeApprovalDecision(runPaths(dir, 'wf-run').approval('sign-off'), 'approved', 'fine', clock);
    expect(decision.at).toBe(AT_ISO);

    const report = await executeRun({ projectRoot: dir, workflow, config, transport, state, clock, random: () => 0.5 });
    expect(report.state.status).toBe('succeeded');
    expect(report.state.steps['left-out']?.status).toBe('skipped');
    expect(report.state.steps.flaky?.attempt).toBe(2);

    const stored: unknown = JSON.parse(await readFile(runPaths(dir, 'wf-run').state, 'utf8'));
    const events: unknown[] = (await readFile(runPaths(dir, 'wf-run').events, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as unknown);
    const stamped = [...timestamps(stored, 'state'), ...timestamps(events, 'events')];
    // started_at, updated_at, completed_at of the run and its steps, the decision's time in outputs, each event's ts.
    expect(stamped.length).toBeGreaterThan(20);
    expect(stamped.filter(([, value]) => value !== AT_ISO)).toEqual([]);
  });

  it('stamps a decision and a cancellation made from outside the run with the clock given', async () => {
    const { dir, state } = await setup(fixedClock(AT));
    (state.steps.flaky as { status: string }).status = 'running';
    (state.steps.flaky as { started_at: string | null }).started_at = AT_ISO;
    // This process is the run's recorded executor, so cancel marks the state itself.
    const store = new RunStore(dir, state, undefined, fixedClock(AT));
    await store.open();
    store.changed();
    await store.close();

    const later = Date.UTC(2031, 0, 2, 4, 0, 0);
    const approved = await decideApproval(dir, 'wf-run', 'sign-off', 'approved', undefined, { clock: fixedClock(later) });
    expect(approved.decision.at).toBe('2031-01-02T04:00:00.000Z');

    const cancelled = await cancelRun(dir, 'wf-run', { clock: fixedClock(later + 1000) });
    expect(cancelled).toEqual({ run_id: 'wf-run', action: 'marked', status: 'cancelled' });
    const stored = JSON.parse(await readFile(runPaths(dir, 'wf-run').state, 'utf8')) as { completed_at: string; updated_at: string; steps: Record<string, { status: string; completed_at: string | null }> };
    expect(stored).toMatchObject({ completed_at: '2031-01-02T04:00:01.000Z', updated_at: '2031-01-02T04:00:01.000Z' });
    expect(stored.steps.flaky).toMatchObject({ status: 'cancelled', completed_at: '2031-01-02T04:00:01.000Z' });
  });
});
