import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { fileStatusSources } from './status-sources.js';

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default range

describe('file status sources', () => {
  it('lists running runs with their running steps, marks runs whose executor is gone as interrupted, tolerates junk', async () => {
    const root = await testdir({
      '.tapps-agents/workflow-state/wf-a-1/state.json': JSON.stringify({
        run_id: 'wf-a-1',
        workflow_id: 'wf-a',
        status: 'running',
        executor: { pid: process.pid, host: hostname() },
        started_at: '2026-11-24T10:00:00.000Z',
        steps: {
          plan: { status: 'completed', attempt: 1 },
          build: { status: 'running', attempt: 2, started_at: '2026-11-24T10:05:00.000Z', step_dir: '.tapps-agents/workflow-state/wf-a-1/steps/build' },
        },
      }),
      '.tapps-agents/workflow-state/wf-b-1/state.json': JSON.stringify({ run_id: 'wf-b-1', workflow_id: 'wf-b', status: 'running', executor: { pid: DEAD_PID, host: hostname() }, steps: {} }),
      '.tapps-agents/workflow-state/wf-c-1/state.json': JSON.stringify({ run_id: 'wf-c-1', workflow_id: 'wf-c', status: 'completed' }),
      '.tapps-agents/workflow-state/wf-d-1/state.json': '{"torn',
      '.tapps-agents/workflow-state/stray-file': 'x',
    });
    const runs = await fileStatusSources(root).listActiveRuns();
    expect(runs).toEqual([
      {
        run_id: 'wf-a-1',
        workflow_id: 'wf-a',
        status: 'running',
        executor: { pid: process.pid, host: hostname() },
        started_at: '2026-11-24T10:00:00.000Z',
        steps: [{ step_id: 'build', status: 'running', attempt: 2, started_at: '2026-11-24T10:05:00.000Z', step_dir: '.tapps-agents/workflow-state/wf-a-1/steps/build' }],
      },
      { run_id: 'wf-b-1', workflow_id: 'wf-b', status: 'interrupted', executor: { pid: DEAD_PID, host: hostname() }, started_at: null, steps: [] },
    ]);
  });

  it('reads the runner status: alive by pid on this host, by heartbeat on another', async () => {
    const now = Date.parse('2026-11-24T10:00:05Z');
    const here = await testdir({
      '.tapps-agents/runner/status.json': JSON.stringify({ id: 'r1', pid: process.pid, host: hostname(), started_at: '2026-11-24T09:00:00Z', heartbeat_at: '2026-11-24T10:00:00Z', state: 'idle' }),
    });
    expect(await fileStatusSources(here, () => now).listRunners()).toEqual([
      { mode: 'daemon', run_id: null, id: 'r1', pid: process.pid, host: hostname(), state: 'idle', started_at: '2026-11-24T09:00:00Z', heartbeat_at: '2026-11-24T10:00:00Z', alive: true, stalled: false },
    ]);
    const elsewhere = await testdir({
      '.tapps-agents/runner/status.json': JSON.stringify({ pid: 1, host: 'another-host', heartbeat_at: '2026-11-24T09:58:00Z', state: 'running' }),
    });
    expect((await fileStatusSources(elsewhere, () => now).listRunners())[0]?.alive).toBe(false);
    expect(await fileStatusSources(await testdir({ '.tapps-agents/runner/status.json': 'junk' })).listRunners()).toEqual([]);
    expect(await fileStatusSources(await testdir()).listRunners()).toEqual([]);
  });

  it('lists embedded runners after the daemon: alive by pid and a heartbeat within three intervals', async () => {
    const now = Date.parse('2026-11-24T10:00:05Z');
    const embedded = (pid: number, runId: string, heartbeat: string) =>
      JSON.stringify({ id: `embedded-${runId}`, pid, host: hostname(), started_at: '2026-11-24T09:59:00.000Z', heartbeat_at: heartbeat, state: 'running', watch_paths: [], counts: { claimed: 1, running: 1, finished: 0, failed: 0, refused: 0 }, mode: 'embedded', run_id: runId });
    const root = await testdir({
      '.tapps-agents/runner/status.json': JSON.stringify({ id: 'r1', pid: DEAD_PID, host: hostname(), heartbeat_at: '2026-11-24T09:00:00Z', state: 'stopped' }),
      '.tapps-agents/runner/embedded/a.json': embedded(process.pid, 'wf-1', '2026-11-24T10:00:04.000Z'),
      '.tapps-agents/runner/embedded/b.json': embedded(DEAD_PID, 'wf-2', '2026-11-24T10:00:04.000Z'),
      '.tapps-agents/runner/embedded/c.json': embedded(process.pid, 'wf-3', '2026-11-24T09:00:00.000Z'),
      '.tapps-agents/runner/embedded/torn.json': '{"id": "embedded-',
    });
    const runners = await fileStatusSources(root, () => now).listRunners();
    expect(runners.map(({ mode, run_id, id, alive }) => ({ mode, run_id, id, alive }))).toEqual([
      { mode: 'daemon', run_id: null, id: 'r1', alive: false },
      { mode: 'embedded', run_id: 'wf-1', id: 'embedded-wf-1', alive: true },
      { mode: 'embedded', run_id: 'wf-2', id: 'embedded-wf-2', alive: false },
      { mode: 'embedded', run_id: 'wf-3', id: 'embedded-wf-3', alive: false },
    ]);
  });
});
