import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { resolveConfig } from '../config/resolve.js';
import type { Transport } from '../transport/transport.js';
import { ActiveRun } from './active-run.js';
import { loadWorkflowOrThrow } from './load-workflow.js';
import type { Step } from './model.js';
import type { StepState } from './run-state.js';
import { newRunState } from './run-state-factories.js';
import { StepScheduler } from './step-scheduler.js';
import { transitionStep } from './step-transition.js';

const RAN = { startedAt: '2031-01-01T00:00:00.000Z', completedAt: '2031-01-01T00:00:01.000Z' };
const transport: Transport = { kind: 'scripted', run: () => Promise.reject(new Error('the scheduler tests start no attempts')), close: () => Promise.resolve() };

/**
 * A run of `yaml` driven by hand: `dispatch` starts ready steps (each stays running until `finish`), `started` lists
 * them in start order. `done` steps have succeeded already, as in a resumed run.
 */
async function schedule(yaml: string, done: string[] = []) {
  const dir = await testdir({ 'wf.yaml': yaml });
  const config = await resolveConfig({ projectRoot: dir });
  const { workflow } = await loadWorkflowOrThrow(path.join(dir, 'wf.yaml'));
  const state = newRunState({ projectRoot: dir, workflow, runId: 'wf-run', params: { env: 'dev' }, autoExecution: false, transport: 'scripted' });
  for (const id of done) Object.assign(state.steps[id] as StepState, { status: 'succeeded', attempt: 1, ...{ started_at: RAN.startedAt, completed_at: RAN.completedAt } });
  const run = new ActiveRun({ projectRoot: dir, workflow, config, transport, state });
  await run.store.open();
  onTestFinished(() => run.store.close());
  const scheduler = new StepScheduler(run);
  const started: string[] = [];
  const live = new Map<string, () => void>();
  const dispatch = () =>
    scheduler.dispatch((step) => {
      started.push(step.id);
      transitionStep(run, step.id, { type: 'start', attempt: 1 });
      return new Promise<void>((resolve) => live.set(step.id, resolve));
    });
  /** Lets running step `id` settle as it is, and dispatches again. */
  const settle = async (id: string) => {
    const task = run.running.get(id);
    live.get(id)?.();
    await task;
    dispatch();
  };
  /** Ends step `id` (succeeded, or failed and stopping the run), lets it settle and dispatches again. */
  const finish = async (id: string, outcome: 'succeed' | 'fail' = 'succeed') => {
    if (outcome === 'succeed') transitionStep(run, id, { type: 'succeed', output: null, ran: RAN });
    else {
      transitionStep(run, id, { type: 'fail', message: 'boom', error: { message: 'boom', code: 'EXIT_CODE', retryable: false }, ran: RAN });
      run.afterFailure(run.steps.get(id) as Step, 'boom');
    }
    await settle(id);
  };
  const status = (id: string) => run.stepState(id).status;
  return { run, started, dispatch, finish, settle, status, running: () => [...run.running.keys()] };
}

describe('StepScheduler', () => {
  it('runs a chain one step at a time, in order', async () => {
    const { started, dispatch, finish, running } = await schedule('id: wf\nsteps:\n  - { id: a, run: "true" }\n  - { id: b, run: "true" }\n  - { id: c, run: "true" }\n');
    dispatch();
    expect(running()).toEqual(['a']);
    await finish('a');
    expect(running()).toEqual(['b']);
    await finish('b');
    await finish('c');
    expect(started).toEqual(['a', 'b', 'c']);
    expect(running()).toEqual([]);
  });

  it('fans out in file order up to the concurrency limit, and fans in once every branch has finished', async () => {
    const { started, dispatch, finish, running } = await schedule(`id: wf
concurrency: 2
steps:
  - { id: root, run: "true" }
  - { id: x, run: "true", needs: [root] }
  - { id: y, run: "true", needs: [root] }
  - { id: z, run: "true", needs: [root] }
  - { id: join, run: "true", needs: [z, x, y] }
`);
    dispatch();
    await finish('root');
    expect(running()).toEqual(['x', 'y']);
    await finish('y');
    expect(running()).toEqual(['x', 'z']);
    await finish('x');
    expect(running()).toEqual(['z']);
    await finish('z');
    expect(running()).toEqual(['join']);
    expect(started).toEqual(['root', 'x', 'y', 'z', 'join']);
  });

  it('starts a step written before the step it needs once that one has finished', async () => {
    const { started, dispatch, finish } = await schedule('id: wf\nsteps:\n  - { id: late, run: "true", needs: [early] }\n  - { id: early, run: "true", needs: [] }\n');
    dispatch();
    expect(started).toEqual(['early']);
    await finish('early');
    expect(started).toEqual(['early', 'late']);
  });

  it('skips a step whose condition is false and goes on with its dependants in the same dispatch', async () => {
    const { started, dispatch, finish, status } = await schedule(`id: wf
steps:
  - { id: a, run: "true" }
  - { id: prod-only, run: "true", condition: 'params.env == "prod"' }
  - { id: after, run: "true" }
`);
    dispatch();
    await finish('a');
    expect(status('prod-only')).toBe('skipped');
    expect(started).toEqual(['a', 'after']);
  });

  it('after a failure skips the steps that follow, except always and on_failure ones', async () => {
    const { started, dispatch, finish, status } = await schedule(`id: wf
steps:
  - { id: a, run: "false" }
  - { id: b, run: "true" }
  - { id: cleanup, run: "true", condition: always }
  - { id: alert, run: "true", condition: on_failure }
`);
    dispatch();
    await finish('a', 'fail');
    expect(status('b')).toBe('skipped');
    await finish('cleanup');
    await finish('alert');
    expect(started).toEqual(['a', 'cleanup', 'alert']);
  });

  it('on resume starts where the run stopped: finished steps count as finished', async () => {
    const { started, dispatch, finish } = await schedule(
      `id: wf
steps:
  - { id: a, run: "true" }
  - { id: b, run: "true" }
  - { id: side, run: "true", needs: [a] }
  - { id: c, run: "true", needs: [b, side] }
`,
      ['a', 'b'],
    );
    dispatch();
    expect(started).toEqual(['side']);
    await finish('side');
    expect(started).toEqual(['side', 'c']);
  });

  it('runs one step of a concurrency group at a time', async () => {
    const { dispatch, finish, running } = await schedule(`id: wf
concurrency: 4
steps:
  - { id: a, run: "true", needs: [], concurrency: deploy }
  - { id: b, run: "true", needs: [], concurrency: deploy }
  - { id: c, run: "true", needs: [] }
`);
    dispatch();
    expect(running()).toEqual(['a', 'c']);
    await finish('a');
    expect(running()).toEqual(['c', 'b']);
  });

  it('starts a step again that a gate sent back to pending while it ran, once it has settled', async () => {
    const { run, started, dispatch, finish, settle } = await schedule('id: wf\nsteps:\n  - { id: a, run: "true" }\n  - { id: b, run: "true" }\n');
    dispatch();
    await finish('a');
    // What a gate on b that loops back to a does, from inside b's run.
    transitionStep(run, 'b', { type: 'succeed', output: null, ran: RAN });
    transitionStep(run, 'a', { type: 'rerun' });
    transitionStep(run, 'b', { type: 'rerun' });
    expect(started).toEqual(['a', 'b']);
    await settle('b');
    expect(started).toEqual(['a', 'b', 'a']);
    await finish('a');
    expect(started).toEqual(['a', 'b', 'a', 'b']);
  });
});
