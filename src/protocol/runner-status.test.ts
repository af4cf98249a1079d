import { describe, expect, it } from 'vitest';
import { parseRunnerStatus } from './runner-status.js';

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

describe('parseRunnerStatus', () => {
  it('reads what a runner writes, keeping optional and newer fields', () => {
    expect(parseRunnerStatus(JSON.stringify(valid))).toEqual(valid);
    const embedded = { ...valid, mode: 'embedded', run_id: 'wf-1', log_file: '/tmp/runner.log', added_later: { x: 1 } };
    expect(parseRunnerStatus(JSON.stringify(embedded))).toEqual(embedded);
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
      Object.fromEntries(Object.entries(valid).filter(([key]) => key !== 'heartbeat_at')),
    ];
    for (const value of broken) expect(parseRunnerStatus(JSON.stringify(value)), JSON.stringify(value)).toBeUndefined();
    expect(parseRunnerStatus('{"id": "runner-1",')).toBeUndefined();
    expect(parseRunnerStatus('')).toBeUndefined();
  });
});
