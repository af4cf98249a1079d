import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endedAttemptReason } from './attempt-still-wanted.js';

const RUN = 'wf-20261202T000000Z-abcd';

function state(status: string, step: { status: string; attempt: number; completed_at: string | null }) {
  const now = '2026-12-02T00:00:00.000Z';
  return {
    schemaVersion: 1,
    run_id: RUN,
    workflow_id: 'wf',
    workflow_name: 'Wf',
    workflow_file: '/x/wf.yaml',
    status,
    executor: { pid: 1, host: 'h' },
    started_at: now,
    updated_at: now,
    completed_at: null,
    error: null,
    params: {},
    auto_execution: true,
    transport: 'file',
    gate_iterations: {},
    steps: { s: { name: 's', started_at: now, step_dir: '/x', work_dir: '/x', outputs: {}, artifacts: [], error: null, ...step } },
  };
}

async function project(content: unknown): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'tapps-wanted-'));
  const dir = path.join(root, '.tapps-agents', 'workflow-state', RUN);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'state.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return root;
}

const correlation = (attempt: number) => ({ run_id: RUN, step_id: 's', attempt, expected_artifacts: [] });

describe('endedAttemptReason', () => {
  it.each([
    // state.json written before the dispatch was recorded (coalescing): the attempt looks not yet started.
    ['a first attempt state.json does not show yet', state('running', { status: 'pending', attempt: 0, completed_at: null }), 1],
    ['a retry while state.json still shows the failed attempt', state('running', { status: 'running', attempt: 1, completed_at: '2026-12-02T00:00:01.000Z' }), 2],
    ['the running attempt (also one resume dispatches again)', state('running', { status: 'running', attempt: 2, completed_at: null }), 2],
    ['a run waiting for an approval elsewhere', state('waiting_approval', { status: 'running', attempt: 1, completed_at: null }), 1],
  ])('serves %s', async (_name, content, attempt) => {
    expect(await endedAttemptReason(await project(content), correlation(attempt))).toBeUndefined();
  });

  it.each([
    ['succeeded', state('succeeded', { status: 'succeeded', attempt: 1, completed_at: 't' }), 1, /^run wf-\S+ is succeeded \(.*state\.json\); a command file it left behind is not run again$/],
    ['failed', state('failed', { status: 'failed', attempt: 3, completed_at: 't' }), 3, /is failed/],
    ['completed_with_failures', state('completed_with_failures', { status: 'failed', attempt: 1, completed_at: 't' }), 1, /is completed_with_failures/],
    ['cancelled', state('cancelled', { status: 'cancelled', attempt: 1, completed_at: 't' }), 1, /is cancelled/],
    ['an attempt followed by a later one', state('running', { status: 'running', attempt: 3, completed_at: null }), 2, /^attempt 2 of step s of run \S+ was followed by attempt 3 /],
    ['an attempt whose end is recorded', state('running', { status: 'succeeded', attempt: 1, completed_at: 't' }), 1, /^attempt 1 of step s of run \S+ already ended \(succeeded at t, /],
  ])('refuses the attempt of a run that is %s', async (_name, content, attempt, reason) => {
    expect(await endedAttemptReason(await project(content), correlation(attempt))).toMatch(reason);
  });

  it.each([
    ['no run id', { step_id: 's', attempt: 1, expected_artifacts: [] }],
    ['a run id that is no id', { run_id: '../x', step_id: 's', attempt: 1, expected_artifacts: [] }],
    ['a run with no state.json here', { run_id: 'other-run', step_id: 's', attempt: 1, expected_artifacts: [] }],
  ])('serves a command file with %s', async (_name, given) => {
    expect(await endedAttemptReason(await project(state('succeeded', { status: 'succeeded', attempt: 1, completed_at: 't' })), given)).toBeUndefined();
  });

  it('serves the attempt of a damaged run (not JSON, or lacking fields): its record cannot say the attempt is over', async () => {
    expect(await endedAttemptReason(await project('{"schemaVersion":1'), correlation(1))).toBeUndefined();
    expect(await endedAttemptReason(await project({ schemaVersion: 1, status: 'succeeded' }), correlation(1))).toBeUndefined();
  });
});
