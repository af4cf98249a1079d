import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkRunnerStatus, parseRunnerStatus, readRunnerStatusFile, runnerIsAlive, runnerStall, type RunnerStatus } from './runner-status.js';

const valid = {
  id: 'runner-1',
  pid: 4242,
  host: 'box',
  started_at: '2026-11-24T06:00:00.000Z',
  heartbeat_at: '2026-11-24T06:00:02.000Z',
  state: 'running',
  watch_paths: ['.cursor-skill-command.txt'],
  counts: { claimed: 1, running: 0, finished: 1, failed: 0, refused: 0 },
};

const SLOT = { run_id: 'wf-1', workflow_id: 'wf', step_id: 'build', attempt: 1, started_at: '2026-11-24T06:00:01.000Z', command_file: 'steps/build/.cursor-skill-command.txt' };

describe('parseRunnerStatus', () => {
  it('reads what a runner writes, keeping optional and newer fields', () => {
    expect(parseRunnerStatus(JSON.stringify(valid))).toEqual(valid);
    const embedded = { ...valid, mode: 'embedded', run_id: 'wf-1', log_file: '/tmp/runner.log', added_later: { x: 1 } };
    expect(parseRunnerStatus(JSON.stringify(embedded))).toEqual(embedded);
    const daemon = { ...valid, path: '/usr/bin:/bin', engine_commands: { claude: '/usr/bin/claude', codex: null }, env_names: ['HOME', 'PATH'] };
    expect(parseRunnerStatus(JSON.stringify(daemon))).toEqual(daemon);
    const busy = { ...valid, max_parallel: 4, slots: [SLOT, { ...SLOT, run_id: null, workflow_id: null, step_id: null, attempt: null }] };
    expect(parseRunnerStatus(JSON.stringify(busy))).toEqual(busy);
  });

  it('rejects text that is not JSON or not a runner status', () => {
    const broken: unknown[] = [
      null,
      [],
      { ...valid, id: 7 },
      { ...valid, pid: 1.5 },
      { ...valid, state: 'done' },
      { ...valid, watch_paths: 'a' },
      { ...valid, watch_paths: [1] },
      { ...valid, counts: { ...valid.counts, refused: '0' } },
      { ...valid, counts: undefined },
      { ...valid, mode: 'cloud' },
      { ...valid, run_id: 3 },
      { ...valid, log_file: false },
      { ...valid, path: ['/usr/bin'] },
      { ...valid, engine_commands: ['claude'] },
      { ...valid, engine_commands: { claude: true } },
      { ...valid, env_names: 'PATH' },
      { ...valid, env_names: [1] },
      { ...valid, max_parallel: 0 },
      { ...valid, max_parallel: '4' },
      { ...valid, slots: SLOT },
      { ...valid, slots: [{ ...SLOT, started_at: 'soon' }] },
      { ...valid, slots: [{ ...SLOT, attempt: '1' }] },
      { ...valid, slots: [{ ...SLOT, command_file: undefined }] },
      Object.fromEntries(Object.entries(valid).filter(([key]) => key !== 'heartbeat_at')),
    ];
    for (const value of broken) expect(parseRunnerStatus(JSON.stringify(value)), JSON.stringify(value)).toBeUndefined();
    expect(parseRunnerStatus('{"id": "runner-1",')).toBeUndefined();
    expect(parseRunnerStatus('')).toBeUndefined();
  });
});

describe('checkRunnerStatus and readRunnerStatusFile', () => {
  it('say why a text or file is no runner status: the first problem, in words that follow the path', () => {
    expect(checkRunnerStatus(JSON.stringify(valid))).toEqual({ status: valid });
    expect(checkRunnerStatus(' \n')).toEqual({ problem: 'is empty' });
    expect(checkRunnerStatus('{"id": "runner-1",')).toEqual({ problem: 'is not valid JSON (cut short, or edited by hand)' });
    expect(checkRunnerStatus('"text"')).toEqual({ problem: 'is not a JSON object' });
    expect(checkRunnerStatus(JSON.stringify({ ...valid, host: undefined }))).toEqual({ problem: 'has no host' });
    expect(checkRunnerStatus(JSON.stringify({ ...valid, state: 'done' }))).toEqual({ problem: 'has a state that is not one of starting, running, stopping, stopped ("done")' });
    expect(checkRunnerStatus(JSON.stringify({ ...valid, started_at: 'yesterday' }))).toEqual({ problem: 'has a started_at that is not a timestamp ("yesterday")' });
  });

  it('reads a file as missing, unusable (a directory, bad text) or usable, never throwing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tapps-runner-status-'));
    try {
      const file = path.join(dir, 'status.json');
      expect(await readRunnerStatusFile(file)).toEqual({ kind: 'missing', file });
      await writeFile(file, '{"pid": 1');
      expect(await readRunnerStatusFile(file)).toEqual({ kind: 'unusable', file, problem: 'is not valid JSON (cut short, or edited by hand)' });
      await writeFile(file, JSON.stringify(valid));
      expect(await readRunnerStatusFile(file)).toEqual({ kind: 'usable', file, status: valid });
      const directory = path.join(dir, 'directory.json');
      await mkdir(directory);
      expect(await readRunnerStatusFile(directory)).toEqual({ kind: 'unusable', file: directory, problem: 'is a directory, not a file' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runnerIsAlive and runnerStall', () => {
  const now = Date.parse('2026-11-24T06:01:00.000Z');
  const beat = (ageMs: number) => new Date(now - ageMs).toISOString();
  // A pid that existed and is gone: a child that has exited and been reaped.
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid ?? 2 ** 22;
  const here = (ageMs: number, pid = process.pid): RunnerStatus => ({ ...valid, pid, host: hostname(), heartbeat_at: beat(ageMs) }) as RunnerStatus;

  it('on this host: alive while its process lives and beats within ten intervals, then stalled, never "dead"', () => {
    // Heartbeat ages (the runner beats every 2 s): on time, late on a busy machine (7–20 s), stalled past 20 s.
    for (const ageMs of [0, 5_000, 7_500, 12_000, 20_000]) {
      expect(runnerIsAlive(here(ageMs), now), `age ${ageMs}`).toBe(true);
      expect(runnerStall(here(ageMs), now), `age ${ageMs}`).toBeUndefined();
    }
    expect(runnerIsAlive(here(20_001), now)).toBe(false);
    expect(runnerStall(here(20_001), now)).toMatchObject({ pid: process.pid, ageMs: 20_001 });
  });

  it('on this host: a gone process is not alive and not stalled, however fresh its heartbeat', () => {
    expect(runnerIsAlive(here(0, deadPid), now)).toBe(false);
    expect(runnerStall(here(60_000, deadPid), now)).toBeUndefined();
  });

  it('on another host: the heartbeat alone decides, within three intervals and a second', () => {
    const elsewhere = (ageMs: number): RunnerStatus => ({ ...valid, host: 'another-host', heartbeat_at: beat(ageMs) }) as RunnerStatus;
    expect(runnerIsAlive(elsewhere(7_000), now)).toBe(true);
    expect(runnerIsAlive(elsewhere(7_001), now)).toBe(false);
    expect(runnerStall(elsewhere(60_000), now)).toBeUndefined();
  });

  it('a stopped runner is not alive', () => {
    expect(runnerIsAlive({ ...here(0), state: 'stopped' }, now)).toBe(false);
  });
});
