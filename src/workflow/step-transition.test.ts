import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { runPaths } from '../protocol/run-paths.js';
import type { Clock } from './clock.js';
import type { RunEvent, RunState, StepState } from './run-state.js';
import { RunStore } from './run-store.js';
import { phaseOf, StepTransitionError, transitionStep, type StepEvent, type StepPhase } from './step-transition.js';

const NOW = Date.parse('2026-01-02T03:04:05.000Z');
const NOW_ISO = new Date(NOW).toISOString();
/** A clock that stands still: every timestamp a transition writes is NOW. */
const stillClock: Clock = { now: () => NOW, sleep: () => Promise.resolve() };
const RAN = { startedAt: '2026-01-01T00:00:00.000Z', completedAt: '2026-01-01T00:00:09.000Z' };
const EARLIER = '2025-12-31T00:00:00.000Z';
const ERROR = { message: 'boom', code: 'EXIT_CODE', retryable: true };

/** A step in `phase`, with times that show whether a transition kept or replaced them. */
function stepIn(phase: StepPhase): StepState {
  const finished = phase === 'succeeded' || phase === 'failed' || phase === 'skipped' || phase === 'cancelled' || phase === 'retry_wait';
  return {
    name: 'Build',
    status: phase === 'retry_wait' ? 'running' : phase,
    attempt: phase === 'pending' ? 0 : 2,
    started_at: phase === 'pending' ? null : EARLIER,
    completed_at: finished ? EARLIER : null,
    step_dir: '/run/build',
    work_dir: '/project',
    outputs: {},
    artifacts: [],
    error: phase === 'failed' || phase === 'retry_wait' ? ERROR : null,
    ...(phase === 'skipped' ? { skip_reason: 'run stopped after a failure' } : {}),
    ...(phase === 'retry_wait' ? { retry_at: EARLIER } : {}),
  };
}

async function storeWith(step: StepState, onEvent?: (dir: string) => void): Promise<{ store: RunStore; events: RunEvent[]; step: () => StepState; dir: string }> {
  const dir = await testdir({});
  const state: RunState = {
    schemaVersion: 1, run_id: 'wf-run', workflow_id: 'wf', workflow_name: 'wf', workflow_file: '/wf.yaml', status: 'running', executor: { pid: 1, host: 'h' },
    started_at: EARLIER, updated_at: EARLIER, completed_at: null, error: null, params: {}, auto_execution: false, transport: 'scripted', gate_iterations: {},
    steps: { build: step },
  };
  const events: RunEvent[] = [];
  const store = new RunStore(dir, state, (event) => {
    onEvent?.(dir);
    events.push(event);
  }, stillClock);
  await store.open();
  return { store, events, step: () => store.state.steps.build as StepState, dir };
}

const EVENTS = {
  skip: { type: 'skip', reason: 'condition is false: x' },
  refuse: { type: 'refuse', message: 'required artifact "a" not found', code: 'REQUIRES_MISSING' },
  start: { type: 'start', attempt: 3 },
  await_approval: { type: 'await_approval', prompt: 'Ship?', approve: 'approve it', reject: 'reject it' },
  retry_later: { type: 'retry_later', ran: RAN, error: ERROR, message: 'boom', delayMs: 5000 },
  succeed: { type: 'succeed', output: 'done', ran: RAN, error: null },
  fail: { type: 'fail', message: 'boom', error: ERROR, ran: RAN, onError: 'fail' },
  cancel: { type: 'cancel', message: 'cancelled', ran: RAN, error: null },
  rerun: { type: 'rerun' },
  resume: { type: 'resume' },
} satisfies Record<StepEvent['type'], StepEvent>;

const PHASES: StepPhase[] = ['pending', 'running', 'retry_wait', 'waiting_approval', 'succeeded', 'failed', 'skipped', 'cancelled'];

/** Each legal transition: from-phase × event → to-phase, the times it leaves, and the event it emits (type, fields). */
const LEGAL: [StepPhase, StepEvent['type'], StepPhase, { started_at: string | null; completed_at: string | null }, [string, Record<string, unknown>] | undefined][] = [
  ['pending', 'skip', 'skipped', { started_at: null, completed_at: NOW_ISO }, ['step.skipped', { reason: 'condition is false: x' }]],
  ['pending', 'refuse', 'failed', { started_at: null, completed_at: NOW_ISO }, ['step.finished', { status: 'failed', attempt: 0, error: 'required artifact "a" not found' }]],
  ['pending', 'start', 'running', { started_at: NOW_ISO, completed_at: null }, ['step.started', { attempt: 3, name: 'Build' }]],
  ['retry_wait', 'start', 'running', { started_at: NOW_ISO, completed_at: null }, ['step.started', { attempt: 3, name: 'Build' }]],
  ['pending', 'await_approval', 'waiting_approval', { started_at: NOW_ISO, completed_at: null }, ['step.waiting_approval', { prompt: 'Ship?', approve: 'approve it', reject: 'reject it' }]],
  ['running', 'retry_later', 'retry_wait', { started_at: RAN.startedAt, completed_at: RAN.completedAt }, ['step.retry', { attempt: 2, nextAttempt: 3, delayMs: 5000, error: 'boom' }]],
  ['running', 'succeed', 'succeeded', { started_at: RAN.startedAt, completed_at: RAN.completedAt }, ['step.finished', { status: 'succeeded', attempt: 2, output: 'done' }]],
  ['waiting_approval', 'succeed', 'succeeded', { started_at: EARLIER, completed_at: NOW_ISO }, ['step.finished', { status: 'succeeded', attempt: 2, output: 'done' }]],
  ['running', 'fail', 'failed', { started_at: RAN.startedAt, completed_at: RAN.completedAt }, ['step.finished', { status: 'failed', attempt: 2, error: 'boom', onError: 'fail' }]],
  ['waiting_approval', 'fail', 'failed', { started_at: EARLIER, completed_at: NOW_ISO }, ['step.finished', { status: 'failed', attempt: 2, error: 'boom', onError: 'fail' }]],
  ['succeeded', 'fail', 'failed', { started_at: EARLIER, completed_at: EARLIER }, ['step.finished', { status: 'failed', attempt: 2, error: 'boom', onError: 'fail' }]],
  ['running', 'cancel', 'cancelled', { started_at: RAN.startedAt, completed_at: RAN.completedAt }, ['step.finished', { status: 'cancelled', attempt: 2, error: 'cancelled' }]],
  ['retry_wait', 'cancel', 'cancelled', { started_at: EARLIER, completed_at: EARLIER }, ['step.finished', { status: 'cancelled', attempt: 2, error: 'cancelled' }]],
  ['waiting_approval', 'cancel', 'cancelled', { started_at: EARLIER, completed_at: NOW_ISO }, ['step.finished', { status: 'cancelled', attempt: 2, error: 'cancelled' }]],
  ['pending', 'rerun', 'pending', { started_at: null, completed_at: null }, undefined],
  ['succeeded', 'rerun', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
  ['failed', 'rerun', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
  ['skipped', 'rerun', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
  ['cancelled', 'rerun', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
  ['running', 'resume', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
  ['retry_wait', 'resume', 'pending', { started_at: EARLIER, completed_at: EARLIER }, undefined],
  ['waiting_approval', 'resume', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
  ['failed', 'resume', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
  ['cancelled', 'resume', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
  ['skipped', 'resume', 'pending', { started_at: EARLIER, completed_at: null }, undefined],
];

describe('transitionStep', () => {
  it.each(LEGAL)('%s + %s → %s', async (from, type, to, times, emitted) => {
    const { store, events, step, dir } = await storeWith(stepIn(from));
    const result = transitionStep(store, 'build', EVENTS[type] as never) as Promise<void> | undefined;
    await result;
    expect(phaseOf(step())).toBe(to);
    expect({ started_at: step().started_at, completed_at: step().completed_at }).toEqual(times);
    const stepEvents = events.filter((event) => event.type.startsWith('step.'));
    if (emitted === undefined) expect(stepEvents).toEqual([]);
    else expect(stepEvents).toEqual([{ schemaVersion: 1, ts: NOW_ISO, runId: 'wf-run', type: emitted[0], stepId: 'build', ...emitted[1] }]);
    // Every change reaches state.json.
    await store.close();
    expect((JSON.parse(await readFile(runPaths(dir, 'wf-run').state, 'utf8')) as RunState).steps.build?.status).toBe(step().status);
  });

  const legal = new Set(LEGAL.map(([from, type]) => `${from} ${type}`));
  const illegal = PHASES.flatMap((from) => Object.keys(EVENTS).filter((type) => !legal.has(`${from} ${type}`)).map((type): [StepPhase, string] => [from, type]));

  it.each(illegal)('%s + %s is refused and changes nothing', async (from, type) => {
    const { store, events, step } = await storeWith(stepIn(from));
    const before = { ...step() };
    expect(() => transitionStep(store, 'build', EVENTS[type as StepEvent['type']] as never)).toThrow(StepTransitionError);
    expect(() => transitionStep(store, 'build', EVENTS[type as StepEvent['type']] as never)).toThrow(`Step "build" of run wf-run cannot ${type} while ${from}: allowed only while`);
    expect({ ...step() }).toEqual(before);
    expect(events).toEqual([]);
    await store.close();
  });

  it('sets what each event carries besides status and times', async () => {
    const retrying = await storeWith(stepIn('running'));
    transitionStep(retrying.store, 'build', EVENTS.retry_later);
    expect(retrying.step()).toMatchObject({ error: ERROR, retry_at: new Date(NOW + 5000).toISOString() });
    transitionStep(retrying.store, 'build', { type: 'start', attempt: 3 });
    expect(retrying.step()).toMatchObject({ attempt: 3, error: null });
    expect(retrying.step().retry_at).toBeUndefined();

    const refused = await storeWith(stepIn('pending'));
    transitionStep(refused.store, 'build', EVENTS.refuse);
    expect(refused.step().error).toEqual({ message: 'required artifact "a" not found', code: 'REQUIRES_MISSING', retryable: false });

    const skipped = await storeWith(stepIn('pending'));
    transitionStep(skipped.store, 'build', EVENTS.skip);
    expect(skipped.step().skip_reason).toBe('condition is false: x');
    transitionStep(skipped.store, 'build', { type: 'rerun' });
    expect(skipped.step().skip_reason).toBeUndefined();

    // A step interrupted while running is dispatched again with the same attempt number; a failed one starts afresh.
    const interrupted = await storeWith(stepIn('running'));
    transitionStep(interrupted.store, 'build', { type: 'resume' });
    expect(interrupted.step().interrupted_attempt).toBe(2);
    const failed = await storeWith(stepIn('failed'));
    transitionStep(failed.store, 'build', { type: 'resume' });
    expect(failed.step()).toMatchObject({ error: null, completed_at: null });
    expect(failed.step().interrupted_attempt).toBeUndefined();

    // Waiting again after a restart keeps the first start: an approval's timeout counts from it.
    const waiting = await storeWith({ ...stepIn('pending'), attempt: 1, started_at: EARLIER });
    await transitionStep(waiting.store, 'build', EVENTS.await_approval);
    expect(waiting.step()).toMatchObject({ attempt: 1, started_at: EARLIER });
    for (const run of [retrying, refused, skipped, interrupted, failed, waiting]) await run.store.close();
  });

  it('emits the waiting event only once state.json says the step waits', async () => {
    const onDisk: string[] = [];
    const { store, events } = await storeWith(stepIn('pending'), (dir) => onDisk.push((JSON.parse(readFileSync(runPaths(dir, 'wf-run').state, 'utf8')) as RunState).steps.build?.status ?? 'none'));
    await transitionStep(store, 'build', EVENTS.await_approval);
    expect(events.map((event) => event.type)).toEqual(['step.waiting_approval']);
    expect(onDisk).toEqual(['waiting_approval']);
    await store.close();
  });

  it('refuses a step the run does not have', async () => {
    const { store } = await storeWith(stepIn('pending'));
    expect(() => transitionStep(store, 'deploy', { type: 'start', attempt: 1 })).toThrow('Run wf-run has no step "deploy" (event start)');
    expect(() => transitionStep(store, '__proto__', { type: 'start', attempt: 1 })).toThrow(StepTransitionError);
    await store.close();
  });

  it('needs the attempt times to finish a running attempt', async () => {
    const { store } = await storeWith(stepIn('running'));
    expect(() => transitionStep(store, 'build', { type: 'succeed', output: 'done' })).toThrow("needs the attempt's times");
    await store.close();
  });
});
