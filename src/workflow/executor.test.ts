import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { ExecutionObserver } from '../observability/observer.js';
import type { AttemptOutcome, StepAttempt, Transport } from '../transport/transport.js';
import { writeApprovalDecision } from './approval.js';
import { executeRun } from './executor.js';
import { newRunState, prepareResume } from './run-state-factories.js';
import { loadWorkflowOrThrow } from './load-workflow.js';
import { runPaths } from '../protocol/run-paths.js';
import type { RunEvent, RunState } from './run-state.js';

type Behaviour = (attempt: StepAttempt, signal: AbortSignal) => Promise<Partial<AttemptOutcome>> | Partial<AttemptOutcome>;

/** A transport whose steps do what the test says, and which remembers every attempt. */
function scriptedTransport(behaviours: Record<string, Behaviour> = {}) {
  const attempts: { step: string; attempt: number }[] = [];
  let live = 0;
  let maxLive = 0;
  const transport: Transport = {
    kind: 'scripted',
    async run(attempt, signal) {
      const step = attempt.correlation.step_id;
      attempts.push({ step, attempt: attempt.correlation.attempt });
      live++;
      maxLive = Math.max(maxLive, live);
      const startedAt = new Date().toISOString();
      try {
        const behaviour: Behaviour = behaviours[step] ?? (() => ({}));
        const result = await Promise.resolve(behaviour(attempt, signal));
        return { status: 'success', outputs: {}, artifacts: [], ...result, startedAt, completedAt: new Date().toISOString() };
      } finally {
        live--;
      }
    },
    close: () => Promise.resolve(),
  };
  return { transport, attempts, maxLive: () => maxLive, ran: (step: string) => attempts.filter((entry) => entry.step === step).length };
}

const fail = (retryable = false, message = 'boom'): Partial<AttemptOutcome> => ({ status: 'failed', error: { message, code: 'EXIT_CODE', retryable } });

interface Setup {
  dir: string;
  config: ResolvedConfig;
  run: (transport: Transport, options?: { state?: RunState; signal?: AbortSignal; onEvent?: (event: RunEvent) => void; random?: () => number; observer?: ExecutionObserver; params?: Record<string, unknown> }) => Promise<RunState>;
}

async function setup(yaml: string): Promise<Setup> {
  const dir = await testdir({ 'wf.yaml': yaml });
  const config = await resolveConfig({ projectRoot: dir });
  const { workflow } = await loadWorkflowOrThrow(path.join(dir, 'wf.yaml'));
  return {
    dir,
    config,
    run: async (transport, options = {}) => {
      const state = options.state ?? newRunState({ projectRoot: dir, workflow, runId: 'wf-run', params: options.params ?? {}, autoExecution: false, transport: transport.kind });
      const report = await executeRun({
        projectRoot: dir,
        workflow,
        config,
        transport,
        state,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
        ...(options.observer === undefined ? {} : { observer: options.observer }),
        random: options.random ?? (() => 0.5),
      });
      return report.state;
    },
  };
}

/** Waits for real I/O (setImmediate is not faked) without moving fake time. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100_000 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

const statuses = (state: RunState) => Object.fromEntries(Object.entries(state.steps).map(([id, step]) => [id, step.status]));

afterEach(() => {
  vi.useRealTimers();
});

describe('executeRun', () => {
  it('runs steps in file order and persists the final state', async () => {
    const { run, dir } = await setup('id: wf\nsteps:\n  - { id: a, run: "true" }\n  - { id: b, run: "true" }\n');
    const scripted = scriptedTransport();
    const state = await run(scripted.transport);
    expect(state.status).toBe('succeeded');
    expect(scripted.attempts.map((entry) => entry.step)).toEqual(['a', 'b']);
    const stored = JSON.parse(await readFile(runPaths(dir, 'wf-run').state, 'utf8')) as RunState;
    expect(stored).toMatchObject({ schemaVersion: 1, run_id: 'wf-run', workflow_id: 'wf', status: 'succeeded', steps: { a: { status: 'succeeded', attempt: 1 }, b: { status: 'succeeded' } } });
    const events = (await readFile(runPaths(dir, 'wf-run').events, 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as RunEvent).type);
    expect(events).toEqual(['run.started', 'step.started', 'step.finished', 'step.started', 'step.finished', 'run.finished']);
  });

  it("gives each attempt the executor's environment with the step's own variables, in an object of its own", async () => {
    const { run } = await setup('id: wf\nsteps:\n  - { id: a, run: "true", env: { STEP_ONLY: one } }\n  - { id: b, run: "true" }\n');
    const envs: Record<string, NodeJS.ProcessEnv> = {};
    const scripted = scriptedTransport({
      a: (attempt) => {
        envs.a = attempt.env;
        attempt.env.CHANGED_BY_A = 'yes';
        return {};
      },
      b: (attempt) => {
        envs.b = attempt.env;
        return {};
      },
    });
    await run(scripted.transport);
    expect(envs.a).toMatchObject({ PATH: process.env.PATH, STEP_ONLY: 'one', TAPPS_RUN_ID: 'wf-run', TAPPS_STEP_ID: 'a', TAPPS_ATTEMPT: '1' });
    expect(envs.b).toMatchObject({ PATH: process.env.PATH, TAPPS_STEP_ID: 'b' });
    expect(envs.b?.STEP_ONLY).toBeUndefined();
    expect(envs.b?.CHANGED_BY_A).toBeUndefined();
    expect(process.env.CHANGED_BY_A).toBeUndefined();
  });

  it('on_error: continue records the failure and goes on', async () => {
    const { run } = await setup('id: wf\nsteps:\n  - { id: a, run: "false", on_error: continue }\n  - { id: b, run: "true" }\n');
    const scripted = scriptedTransport({ a: () => fail() });
    const state = await run(scripted.transport);
    expect(statuses(state)).toEqual({ a: 'failed', b: 'succeeded' });
    // Not "succeeded": some step failed.
    expect(state).toMatchObject({ status: 'completed_with_failures', failed_steps: 1, error: null });
    expect(state.steps.a?.error).toEqual({ message: 'boom', code: 'EXIT_CODE', retryable: false });
  });

  it('a run in which every step failed under on_error: continue is failed', async () => {
    const { run } = await setup('id: wf\nsteps:\n  - { id: a, run: "false", on_error: continue }\n  - { id: b, run: "false", on_error: continue }\n');
    const scripted = scriptedTransport({ a: () => fail(), b: () => fail() });
    const state = await run(scripted.transport);
    expect(state).toMatchObject({ status: 'failed', failed_steps: 2, error: 'every step failed' });
  });

  it('on_error: fail stops the run; only always/on_failure steps still run', async () => {
    const { run } = await setup(`id: wf
steps:
  - { id: a, run: "false" }
  - { id: b, run: "true" }
  - { id: cleanup, run: "true", condition: always }
  - { id: alert, run: "true", condition: on_failure }
`);
    const scripted = scriptedTransport({ a: () => fail() });
    const state = await run(scripted.transport);
    expect(statuses(state)).toEqual({ a: 'failed', b: 'skipped', cleanup: 'succeeded', alert: 'succeeded' });
    expect(state.steps.b?.skip_reason).toBe('run stopped after a failure');
    expect(state).toMatchObject({ status: 'failed', error: 'step "a" failed: boom' });
  });

  it('skips a step whose condition is false, and fails one whose condition cannot be evaluated', async () => {
    const { run } = await setup(`id: wf
params: { env: dev }
steps:
  - { id: a, run: "false", on_error: continue }
  - { id: only-prod, run: "true", needs: [a], condition: params.env == "prod" }
  - { id: after-a, run: "true", needs: [a], condition: prerequisites_met }
  - { id: on-fail, run: "true", needs: [a], condition: steps.a.status == "failed" }
  - { id: broken, run: "true", needs: [a], condition: steps.a.outputs.score > 3, on_error: continue }
`);
    const scripted = scriptedTransport({ a: () => fail() });
    const state = await run(scripted.transport);
    expect(statuses(state)).toEqual({ a: 'failed', 'only-prod': 'skipped', 'after-a': 'skipped', 'on-fail': 'succeeded', broken: 'failed' });
    expect(state.steps['only-prod']?.skip_reason).toBe('condition is false: params.env == "prod"');
    expect(state.steps['after-a']?.skip_reason).toBe('condition prerequisites_met: "a" failed');
    expect(state.steps.broken?.error?.message).toMatch(/^condition "steps.a.outputs.score > 3" cannot be evaluated: steps.a.outputs.score is not set \(.*wf.yaml:8\)$/);
    expect(scripted.ran('broken')).toBe(0);
  });

  it('prerequisites_met sees an ancestor that a gate loop sent back and that then failed', async () => {
    const { run } = await setup(`id: wf
steps:
  - { id: a, run: "true", on_error: continue }
  - { id: b, run: "true", condition: prerequisites_met }
  - { id: c, run: "true", condition: prerequisites_met }
  - id: check
    run: "true"
    condition: always
    gate: { condition: outputs.ok == true, on_fail: a, max_iterations: 1 }
`);
    let runs = 0;
    const scripted = scriptedTransport({ a: () => (++runs === 1 ? {} : fail()), check: () => ({ outputs: { ok: runs > 1 } }) });
    const state = await run(scripted.transport);
    expect(scripted.ran('b')).toBe(1);
    expect(scripted.ran('c')).toBe(1);
    expect(statuses(state)).toEqual({ a: 'failed', b: 'skipped', c: 'skipped', check: 'succeeded' });
    expect(state.steps.b?.skip_reason).toBe('condition prerequisites_met: "a" failed');
    expect(state.steps.c?.skip_reason).toBe('condition prerequisites_met: "b" skipped, "a" failed');
  });

  it('on_failure counts failures as they happen, including one a gate loop undoes', async () => {
    const { run } = await setup(`id: wf
steps:
  - { id: a, run: "true", on_error: continue }
  - { id: alert, run: "true", condition: on_failure }
  - { id: b, run: "true", on_error: continue }
  - { id: alert-2, run: "true", condition: on_failure }
`);
    const scripted = scriptedTransport({ b: () => fail() });
    const state = await run(scripted.transport);
    expect(statuses(state)).toEqual({ a: 'succeeded', alert: 'skipped', b: 'failed', 'alert-2': 'succeeded' });
    expect(state.steps.alert?.skip_reason).toBe('condition on_failure: no step has failed');
  });

  it('reads a step by id and by view in conditions, and names what is there when a field is missing', async () => {
    const { run } = await setup(`id: wf
steps:
  - { id: a, run: "true" }
  - { id: same, run: "true", condition: 'a.status == "success" && steps.a.attempt == 1 && steps.a.outputs.m == 1 && steps.a.error == null' }
  - { id: missing-key, run: "true", on_error: continue, condition: steps.a.outputs.n == 1 }
  - { id: missing-error, run: "true", on_error: continue, condition: steps.same.outputs.m.deeper == 1 }
`);
    const state = await run(scriptedTransport({ a: () => ({ outputs: { m: 1 } }), same: () => ({ outputs: { m: 2 } }) }).transport);
    expect(state.steps.same?.status).toBe('succeeded');
    expect(state.steps['missing-key']?.error?.message).toMatch(/steps\.a\.outputs\.n is not set \(steps\.a\.outputs has: m\)/);
    expect(state.steps['missing-error']?.error?.message).toMatch(/steps\.same\.outputs\.m\.deeper is not set \(steps\.same\.outputs\.m is 2\)/);
  });

  it('--param values override the workflow params in conditions', async () => {
    const { run } = await setup('id: wf\nparams: { env: dev }\nsteps:\n  - { id: deploy, run: "true", condition: params.env == "prod" }\n');
    const state = await run(scriptedTransport().transport, { params: { env: 'prod' } });
    expect(statuses(state)).toEqual({ deploy: 'succeeded' });
  });

  it('runs independent steps in parallel up to the concurrency limit', async () => {
    const yaml = (limit: number) => `id: wf\nconcurrency: ${limit}\nsteps:\n${['a', 'b', 'c', 'd'].map((id) => `  - { id: ${id}, run: "true", needs: [] }`).join('\n')}\n  - { id: last, run: "true", needs: [a, b, c, d] }\n`;
    // Each step waits until all four are running (or none can be added), so the peak is exact.
    const gate = (expected: number) => {
      let started = 0;
      let release: () => void = () => undefined;
      const all = new Promise<void>((resolve) => (release = resolve));
      return async () => {
        started++;
        if (started >= expected) release();
        await all;
        return {};
      };
    };
    const four = await setup(yaml(8));
    const wide = gate(4);
    const parallel = scriptedTransport({ a: wide, b: wide, c: wide, d: wide });
    expect((await four.run(parallel.transport)).status).toBe('succeeded');
    expect(parallel.maxLive()).toBe(4);
    expect(parallel.attempts.at(-1)?.step).toBe('last');

    const two = await setup(yaml(2));
    const pair = gate(2);
    const narrow = scriptedTransport({ a: pair, b: pair, c: pair, d: pair });
    expect((await two.run(narrow.transport)).status).toBe('succeeded');
    expect(narrow.maxLive()).toBe(2);
  });

  it('never runs two steps of one concurrency group at once', async () => {
    const { run } = await setup('id: wf\nsteps:\n  - { id: a, run: "true", needs: [], concurrency: db }\n  - { id: b, run: "true", needs: [], concurrency: db }\n');
    const scripted = scriptedTransport({ a: () => new Promise((resolve) => setImmediate(() => resolve({}))) });
    await run(scripted.transport);
    expect(scripted.maxLive()).toBe(1);
  });

  it('stops a gate loop at its bound and reports it', async () => {
    const { run } = await setup(`id: wf
steps:
  - { id: build, run: "true" }
  - id: check
    run: "true"
    gate: { condition: outputs.ok == true, on_fail: build, max_iterations: 3 }
  - { id: ship, run: "true" }
`);
    const events: RunEvent[] = [];
    const scripted = scriptedTransport({ check: () => ({ outputs: { ok: false } }) });
    const state = await run(scripted.transport, { onEvent: (event) => events.push(event) });
    expect(scripted.ran('build')).toBe(4);
    expect(scripted.ran('check')).toBe(4);
    expect(scripted.ran('ship')).toBe(0);
    expect(state.steps.check?.error?.message).toBe('gate loop stopped after 3 iterations (max_iterations); last result: failed outputs.ok == true');
    expect(events.filter((event) => event.type === 'gate.loop').map((event) => event.iteration)).toEqual([1, 2, 3]);
    expect(state.status).toBe('failed');
  });

  it('leaves a gate loop when the gate passes', async () => {
    const { run } = await setup(`id: wf
steps:
  - { id: build, run: "true" }
  - id: check
    run: "true"
    gate: { condition: outputs.score >= 70, on_fail: build }
`);
    let score = 50;
    const scripted = scriptedTransport({ check: () => ({ outputs: { score: (score += 15) } }) });
    const state = await run(scripted.transport);
    expect(state.status).toBe('succeeded');
    expect(scripted.ran('build')).toBe(2);
    expect(state.gate_iterations).toEqual({ check: 1 });
  });

  it('retries only retryable failures, with exponential delays (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { run } = await setup(`id: wf
steps:
  - id: flaky
    run: "true"
    retry: { max_attempts: 3, initial_delay_seconds: 10, backoff_multiplier: 3 }
  - { id: bad-params, run: "true", needs: [], on_error: continue }
`);
    const scripted = scriptedTransport({ flaky: (attempt) => (attempt.correlation.attempt < 3 ? fail(true, 'flaked') : {}), 'bad-params': () => fail(false) });
    const done = run(scripted.transport);
    const attemptsOfFlaky = () => scripted.attempts.filter((entry) => entry.step === 'flaky').length;
    await until(() => attemptsOfFlaky() === 1);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(attemptsOfFlaky()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => attemptsOfFlaky() === 2);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(attemptsOfFlaky()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    const state = await done;
    expect(state.steps.flaky).toMatchObject({ status: 'succeeded', attempt: 3 });
    expect(scripted.ran('bad-params')).toBe(1);
  });

  it('reports every attempt to the observer with one status vocabulary', async () => {
    const records: { step: string; status: string; retry: number }[] = [];
    const audits: string[] = [];
    const observer: ExecutionObserver = {
      recordExecution: (record) => {
        records.push({ step: record.step_id, status: record.status, retry: record.retry_count });
        return Promise.resolve();
      },
      audit: (event) => {
        audits.push(`${event.event}:${event.step_id ?? ''}`);
        return Promise.resolve();
      },
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    };
    const { run } = await setup(`id: wf
steps:
  - { id: a, run: "true", retry: { max_attempts: 2, initial_delay_seconds: 0 } }
  - { id: b, run: "true", condition: params.x == 1 }
params: { x: 0 }
`);
    await run(scriptedTransport({ a: (attempt) => (attempt.correlation.attempt === 1 ? { status: 'timeout', error: { message: 'slow', code: 'TIMEOUT', retryable: true } } : {}) }).transport, { observer });
    expect(records).toEqual([
      { step: 'a', status: 'timeout', retry: 0 },
      { step: 'a', status: 'success', retry: 1 },
      { step: 'b', status: 'skipped', retry: 0 },
    ]);
    expect(audits).toEqual(['execution.started:a', 'execution.timeout:a', 'retry.scheduled:a', 'execution.started:a', 'execution.completed:a']);
  });

  it('cancels running steps and leaves the run resumable; resume never reruns finished steps', async () => {
    const { run, dir } = await setup('id: wf\nsteps:\n  - { id: a, run: "true" }\n  - { id: b, run: "sleep 100" }\n  - { id: c, run: "true" }\n');
    const controller = new AbortController();
    const scripted = scriptedTransport({
      b: (attempt, signal) =>
        attempt.correlation.attempt === 1 && !signal.aborted
          ? new Promise((resolve) => {
              signal.addEventListener('abort', () => resolve({ status: 'cancelled', error: { message: 'cancelled', code: 'CANCELLED', retryable: false } }));
              controller.abort();
            })
          : {},
    });
    const cancelled = await run(scripted.transport, { signal: controller.signal });
    expect(cancelled.status).toBe('cancelled');
    expect(statuses(cancelled)).toEqual({ a: 'succeeded', b: 'cancelled', c: 'pending' });

    const stored = JSON.parse(await readFile(runPaths(dir, 'wf-run').state, 'utf8')) as RunState;
    prepareResume(stored);
    const resumed = await run(scripted.transport, { state: stored });
    expect(resumed.status).toBe('succeeded');
    expect(scripted.ran('a')).toBe(1);
    expect(scripted.ran('b')).toBe(2);
    expect(scripted.attempts.filter((entry) => entry.step === 'b').map((entry) => entry.attempt)).toEqual([1, 2]);
  });

  it('re-dispatches a step left running by a crash with the same attempt number', async () => {
    const { run, dir, config: _config } = await setup('id: wf\nsteps:\n  - { id: a, run: "true" }\n  - { id: b, run: "true" }\n');
    const first = await run(scriptedTransport().transport);
    // Pretend the executor died while b's attempt 2 was running.
    Object.assign(first.steps.b ?? {}, { status: 'running', attempt: 2, completed_at: null });
    Object.assign(first, { status: 'running', executor: { pid: 999_999_999, host: first.executor.host } });
    await writeFile(runPaths(dir, 'wf-run').state, JSON.stringify(first));
    prepareResume(first);
    const scripted = scriptedTransport();
    const resumed = await run(scripted.transport, { state: first });
    expect(scripted.attempts).toEqual([{ step: 'b', attempt: 2 }]);
    expect(resumed.status).toBe('succeeded');
  });

  it('waits durably for an approval, across a restart', async () => {
    const { run, dir } = await setup(`id: wf
steps:
  - { id: build, run: "true" }
  - id: sign-off
    approval: { prompt: "Ship it?" }
  - { id: ship, run: "true" }
`);
    const controller = new AbortController();
    const scripted = scriptedTransport();
    const first = await run(scripted.transport, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step.waiting_approval') controller.abort();
      },
    });
    expect(statuses(first)).toEqual({ build: 'succeeded', 'sign-off': 'cancelled', ship: 'pending' });

    // Decided while no executor runs; the resumed run picks it up.
    await writeApprovalDecision(runPaths(dir, 'wf-run').approval('sign-off'), 'approved', 'looks good');
    prepareResume(first);
    const resumed = await run(scripted.transport, { state: first });
    expect(statuses(resumed)).toEqual({ build: 'succeeded', 'sign-off': 'succeeded', ship: 'succeeded' });
    expect(resumed.steps['sign-off']?.outputs).toMatchObject({ decision: 'approved', comment: 'looks good' });
    expect(scripted.ran('build')).toBe(1);
  });

  it('fails the step when an approval is rejected', async () => {
    const { run, dir } = await setup('id: wf\nsteps:\n  - id: sign-off\n    approval: true\n  - { id: ship, run: "true" }\n');
    const state = await run(scriptedTransport().transport, {
      onEvent: (event) => {
        if (event.type === 'step.waiting_approval') void writeApprovalDecision(runPaths(dir, 'wf-run').approval('sign-off'), 'rejected', 'not today');
      },
    });
    expect(statuses(state)).toEqual({ 'sign-off': 'failed', ship: 'skipped' });
    expect(state.steps['sign-off']?.error?.message).toMatch(/^Rejected by .+: not today$/);
  });

  it('fails an approval step nobody decides within its timeout', async () => {
    const { run } = await setup('id: wf\nsteps:\n  - id: sign-off\n    approval: { prompt: "ok?", timeout: 200ms }\n    on_error: continue\n  - { id: next, run: "true" }\n');
    const state = await run(scriptedTransport().transport);
    expect(statuses(state)).toEqual({ 'sign-off': 'failed', next: 'succeeded' });
    expect(state.steps['sign-off']?.error).toEqual({ message: 'Nobody approved or rejected within 200 ms', code: 'APPROVAL_TIMEOUT', retryable: false });
  });
});
