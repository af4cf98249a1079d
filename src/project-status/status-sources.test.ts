import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnerStatusJson, runStateJson, stepState, UNUSABLE_RUNNER_FILES } from '../../test/helpers/protocol-fixtures.js';
import { testdir } from '../../test/helpers/testdir.js';
import { fileStatusSources } from './status-sources.js';

// A pid that existed and is gone: a child that has exited and been reaped.
const DEAD_PID = spawnSync(process.execPath, ['-e', '0']).pid ?? 2 ** 22 + 12345;

describe('file status sources', () => {
  it('lists running runs with their running steps, marks runs whose executor is gone as interrupted, reports damaged runs', async () => {
    const root = await testdir({
      '.tapps-agents/workflow-state/wf-a-1/state.json': runStateJson('wf-a-1', {
        workflow_id: 'wf-a',
        steps: {
          plan: stepState('plan', { status: 'succeeded', attempt: 1 }),
          build: stepState('build', { status: 'running', attempt: 2, started_at: '2026-11-24T10:05:00.000Z', step_dir: '.tapps-agents/workflow-state/wf-a-1/steps/build' }),
        },
      }),
      '.tapps-agents/workflow-state/wf-b-1/state.json': runStateJson('wf-b-1', { workflow_id: 'wf-b', executor: { pid: DEAD_PID, host: hostname() } }),
      '.tapps-agents/workflow-state/wf-c-1/state.json': runStateJson('wf-c-1', { status: 'succeeded' }),
      '.tapps-agents/workflow-state/wf-d-1/state.json': '{"torn',
      '.tapps-agents/workflow-state/wf-e-1/state.json': JSON.stringify({ run_id: 'wf-e-1', status: 'running', executor: { pid: process.pid } }),
      '.tapps-agents/workflow-state/stray-file': 'x',
    });
    const { runs, damaged } = await fileStatusSources(root).listActiveRuns();
    expect(runs).toEqual([
      {
        run_id: 'wf-a-1',
        workflow_id: 'wf-a',
        status: 'running',
        executor: { pid: process.pid, host: hostname() },
        started_at: '2026-11-24T10:00:00.000Z',
        steps: [{ step_id: 'build', status: 'running', attempt: 2, started_at: '2026-11-24T10:05:00.000Z', step_dir: '.tapps-agents/workflow-state/wf-a-1/steps/build' }],
      },
      { run_id: 'wf-b-1', workflow_id: 'wf-b', status: 'interrupted', executor: { pid: DEAD_PID, host: hostname() }, started_at: '2026-11-24T10:00:00.000Z', steps: [] },
    ]);
    // The run store's own reader judged them: a state.json that parses but lacks fields is damaged, not guessed at.
    expect(damaged.map((run) => run.run_id)).toEqual(['wf-d-1', 'wf-e-1']);
    expect(damaged[0]?.message).toContain('is not valid JSON');
    expect(damaged[1]?.message).toContain('is not a valid run state');
    expect(await fileStatusSources(await testdir()).listActiveRuns()).toEqual({ runs: [], damaged: [] });
  });

  it('reads the runner status by the one liveness rule: pid on this host, heartbeat within three intervals on another', async () => {
    const now = Date.parse('2026-11-24T10:00:05Z');
    const here = await testdir({ '.tapps-agents/runner/status.json': runnerStatusJson({ started_at: '2026-11-24T09:00:00Z', heartbeat_at: '2026-11-24T10:00:00Z' }) });
    expect(await fileStatusSources(here, () => now).listRunners()).toEqual({
      runners: [{ mode: 'daemon', run_id: null, id: 'runner-1', pid: process.pid, host: hostname(), state: 'running', started_at: '2026-11-24T09:00:00Z', heartbeat_at: '2026-11-24T10:00:00Z', alive: true, stalled: false, max_parallel: null, busy: 0, slots: [] }],
      unusable: [],
    });
    // 8 s without a heartbeat from another host: gone for dispatch, so gone here too (it used to count for 60 s).
    const elsewhere = await testdir({ '.tapps-agents/runner/status.json': runnerStatusJson({ pid: 1, host: 'another-host', heartbeat_at: '2026-11-24T09:59:57Z' }) });
    expect((await fileStatusSources(elsewhere, () => now).listRunners()).runners[0]?.alive).toBe(false);
    const fresh = await testdir({ '.tapps-agents/runner/status.json': runnerStatusJson({ pid: 1, host: 'another-host', heartbeat_at: '2026-11-24T10:00:01Z' }) });
    expect((await fileStatusSources(fresh, () => now).listRunners()).runners[0]?.alive).toBe(true);
    expect(await fileStatusSources(await testdir()).listRunners()).toEqual({ runners: [], unusable: [] });
  });

  it('gives each runner its slots: max_parallel and what each busy slot runs; an older file only its running count', async () => {
    const slot = { run_id: 'wf-a-1', workflow_id: 'wf-a', step_id: 'build', attempt: 2, started_at: '2026-11-24T10:05:00.000Z', command_file: 'steps/build/.cursor-skill-command.txt' };
    const busy = await testdir({ '.tapps-agents/runner/status.json': runnerStatusJson({ max_parallel: 3, slots: [slot], counts: { claimed: 4, running: 1, finished: 3, failed: 0, refused: 0 } }) });
    expect((await fileStatusSources(busy).listRunners()).runners[0]).toMatchObject({ max_parallel: 3, busy: 1, slots: [slot] });
    const older = await testdir({ '.tapps-agents/runner/status.json': runnerStatusJson({ counts: { claimed: 2, running: 2, finished: 0, failed: 0, refused: 0 } }) });
    expect((await fileStatusSources(older).listRunners()).runners[0]).toMatchObject({ max_parallel: null, busy: 2, slots: [] });
  });

  it('reports every unusable runner status file with why, daemon and embedded alike, a directory in place of the file too', async () => {
    for (const [what, text, problem] of UNUSABLE_RUNNER_FILES) {
      const root = await testdir({ '.tapps-agents/runner/status.json': text, '.tapps-agents/runner/embedded/e1.json': text });
      expect(await fileStatusSources(root).listRunners(), what).toEqual({
        runners: [],
        unusable: [
          { file: '.tapps-agents/runner/status.json', problem },
          { file: '.tapps-agents/runner/embedded/e1.json', problem },
        ],
      });
    }
    const root = await testdir();
    await mkdir(path.join(root, '.tapps-agents/runner/status.json'), { recursive: true });
    expect((await fileStatusSources(root).listRunners()).unusable).toEqual([{ file: '.tapps-agents/runner/status.json', problem: 'is a directory, not a file' }]);
  });

  it('lists embedded runners after the daemon: alive by pid and heartbeat, unusable ones reported', async () => {
    const now = Date.parse('2026-11-24T10:00:05Z');
    const embedded = (pid: number, runId: string, heartbeat: string) =>
      runnerStatusJson({ id: `embedded-${runId}`, pid, started_at: '2026-11-24T09:59:00.000Z', heartbeat_at: heartbeat, mode: 'embedded', run_id: runId });
    const root = await testdir({
      '.tapps-agents/runner/status.json': runnerStatusJson({ pid: DEAD_PID, heartbeat_at: '2026-11-24T09:00:00Z', state: 'stopped' }),
      '.tapps-agents/runner/embedded/a.json': embedded(process.pid, 'wf-1', '2026-11-24T10:00:04.000Z'),
      '.tapps-agents/runner/embedded/b.json': embedded(DEAD_PID, 'wf-2', '2026-11-24T10:00:04.000Z'),
      '.tapps-agents/runner/embedded/c.json': embedded(process.pid, 'wf-3', '2026-11-24T09:00:00.000Z'),
      '.tapps-agents/runner/embedded/torn.json': '{"id": "embedded-',
    });
    const { runners, unusable } = await fileStatusSources(root, () => now).listRunners();
    expect(runners.map(({ mode, run_id, id, alive, stalled }) => ({ mode, run_id, id, alive, stalled }))).toEqual([
      { mode: 'daemon', run_id: null, id: 'runner-1', alive: false, stalled: false },
      { mode: 'embedded', run_id: 'wf-1', id: 'embedded-wf-1', alive: true, stalled: false },
      { mode: 'embedded', run_id: 'wf-2', id: 'embedded-wf-2', alive: false, stalled: false },
      { mode: 'embedded', run_id: 'wf-3', id: 'embedded-wf-3', alive: false, stalled: true },
    ]);
    expect(unusable).toEqual([{ file: '.tapps-agents/runner/embedded/torn.json', problem: 'is not valid JSON (cut short, or edited by hand)' }]);
  });
});
