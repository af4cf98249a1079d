// RunStore's journal: changes reach the disk as appended lines that every reader applies, a torn last line is
// skipped, the journal is folded into state.json when it outgrows it and when the run closes, and a crash in the middle
// of a fold changes nothing a reader sees.

import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { runPaths } from '../protocol/run-paths.js';
import type { Clock } from './clock.js';
import { readRunState, readRunStateIfChanged, type RunState, type StepState } from './run-state.js';
import { RunStore } from './run-store.js';

const AT = '2026-01-02T03:04:05.000Z';
const stillClock: Clock = { now: () => Date.parse(AT), sleep: () => Promise.resolve() };

function newState(steps: number): RunState {
  const state: RunState = {
    schemaVersion: 1, run_id: 'wf-run', workflow_id: 'wf', workflow_name: 'wf', workflow_file: '/wf.yaml', status: 'running', executor: { pid: 1, host: 'h' },
    started_at: AT, updated_at: AT, completed_at: null, error: null, params: {}, auto_execution: false, transport: 'inline', gate_iterations: {},
    steps: {},
  };
  for (let index = 0; index < steps; index++) {
    state.steps[`s${index}`] = { name: `s${index}`, status: 'pending', attempt: 0, started_at: null, completed_at: null, step_dir: '/d', work_dir: '/w', outputs: {}, artifacts: [], error: null };
  }
  return state;
}

async function openStore(steps: number): Promise<{ dir: string; store: RunStore; paths: ReturnType<typeof runPaths> }> {
  const dir = await testdir({});
  const store = new RunStore(dir, newState(steps), undefined, stillClock);
  await store.open();
  store.changed();
  await store.flush();
  return { dir, store, paths: runPaths(dir, 'wf-run') };
}

function succeed(store: RunStore, id: string, output = 'done'): void {
  const step = store.state.steps[id] as StepState;
  step.status = 'succeeded';
  step.attempt = 1;
  step.completed_at = AT;
  step.outputs = { output };
  store.changed();
}

describe('RunStore journal', () => {
  it('appends a changed step to the journal, not state.json, and readRunState shows it', async () => {
    const { dir, store, paths } = await openStore(3);
    const before = await readFile(paths.state, 'utf8');
    succeed(store, 's1');
    await store.flush();
    expect(await readFile(paths.state, 'utf8')).toBe(before);
    const lines = (await readFile(paths.journal, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(Object.keys((JSON.parse(lines[0] as string) as { steps: object }).steps)).toEqual(['s1']);
    const read = await readRunState(dir, 'wf-run');
    expect(read.steps.s1?.status).toBe('succeeded');
    expect(read.steps.s0?.status).toBe('pending');
    await store.close();
  });

  it('skips a torn last line, and a resumed store goes on after it on a fresh line', async () => {
    const { dir, store, paths } = await openStore(3);
    succeed(store, 's0');
    await store.flush();
    await store.close().catch(() => undefined);
    // As if the executor was killed writing its next line (and before its close folded the journal).
    await writeFile(paths.journal, `{"head":${JSON.stringify({ ...store.state, steps: undefined })},"steps":{}}\n{"head":{"status":"fail`);
    const read = await readRunState(dir, 'wf-run');
    expect(read.steps.s0?.status).toBe('succeeded');
    expect(read.status).toBe('running');
    const resumed = new RunStore(dir, read, undefined, stillClock);
    await resumed.open();
    resumed.changed();
    await resumed.flush();
    succeed(resumed, 's1');
    await resumed.flush();
    const again = await readRunState(dir, 'wf-run');
    expect([again.steps.s0?.status, again.steps.s1?.status, again.steps.s2?.status]).toEqual(['succeeded', 'succeeded', 'pending']);
    await resumed.close();
  });

  it('folds the journal into state.json once it outgrows half of it, and at close state.json alone is complete', async () => {
    const { dir, store, paths } = await openStore(50);
    const first = await stat(paths.state);
    let compactions = 0;
    let lastIno = first.ino;
    for (let index = 0; index < 50; index++) {
      // Big outputs so that the journal passes its 64 KiB floor within the run.
      succeed(store, `s${index}`, 'x'.repeat(4000));
      await store.flush();
      const now = await stat(paths.state);
      if (now.ino !== lastIno) compactions++;
      lastIno = now.ino;
      expect((await stat(paths.journal)).size).toBeLessThanOrEqual(Math.max(64 * 1024, now.size / 2) + 5000);
    }
    expect(compactions).toBeGreaterThan(0);
    const live = await readRunState(dir, 'wf-run');
    expect(Object.values(live.steps).every((step) => step.status === 'succeeded')).toBe(true);
    await store.close();
    await expect(stat(paths.journal)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(JSON.parse(await readFile(paths.state, 'utf8'))).toEqual(JSON.parse(JSON.stringify(store.state)));
  });

  it('a crash between a fold\'s state.json and the journal\'s replacement changes nothing a reader sees', async () => {
    const { dir, store, paths } = await openStore(3);
    succeed(store, 's0');
    await store.flush();
    (store.state.steps.s1 as StepState).status = 'running';
    store.changed();
    await store.flush();
    succeed(store, 's1');
    await store.flush();
    const journal = `${paths.journal}.saved`;
    await copyFile(paths.journal, journal);
    await store.close();
    // The old journal back beside the new state.json: its lines applied again give the same state.
    await copyFile(journal, paths.journal);
    const read = await readRunState(dir, 'wf-run');
    expect(read).toEqual(JSON.parse(await readFile(paths.state, 'utf8')));
    expect(read.steps.s1?.status).toBe('succeeded');
  });

  it('readRunStateIfChanged reads again when only the journal changed, and not when nothing did', async () => {
    const { dir, store } = await openStore(2);
    const known = await readRunStateIfChanged(dir, 'wf-run');
    expect(await readRunStateIfChanged(dir, 'wf-run', known)).toBe(known);
    succeed(store, 's0');
    await store.flush();
    const changed = await readRunStateIfChanged(dir, 'wf-run', known);
    expect(changed).not.toBe(known);
    expect(changed.state.steps.s0?.status).toBe('succeeded');
    await store.close();
  });

  it('keeps each step\'s encoded piece in bytes of its own, not in a slice of a shared pool', async () => {
    const { store } = await openStore(20);
    for (let index = 0; index < 20; index += 2) succeed(store, `s${index}`);
    await store.flush();
    const pieces = [...(store as unknown as { encodedSteps: Map<string, Uint8Array> }).encodedSteps.values()];
    expect(pieces).toHaveLength(20);
    // A slice of Buffer's 8 KB pool keeps the whole pool alive while it is kept (every step's, for the whole run).
    for (const piece of pieces) expect(piece.buffer.byteLength).toBe(piece.byteLength);
    await store.close();
  });
});
