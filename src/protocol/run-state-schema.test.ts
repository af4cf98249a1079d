// The fast check of state.json's steps is never looser than the schema, and checkRunState answers as the schema does.

import { describe, expect, it } from 'vitest';
import { checkRunState, isValidStepState, runStateSchema, stepStateSchema } from './run-state-schema.js';

const step = { name: 's0', status: 'succeeded', attempt: 1, started_at: 'a', completed_at: null, step_dir: '/d', work_dir: '/w', outputs: { ok: true }, artifacts: ['x'], error: null, agent: 'analyst' };
const state = {
  schemaVersion: 1, run_id: 'r', workflow_id: 'w', workflow_name: 'w', workflow_file: '/w.yaml', status: 'running', executor: { pid: 1, host: 'h' },
  started_at: 'a', updated_at: 'a', completed_at: null, error: null, params: {}, auto_execution: false, transport: 'inline', gate_iterations: {},
  steps: { s0: step, s1: { ...step, status: 'failed', error: { message: 'm', code: 'C', retryable: false, extra: 1 } } }, failed_steps: 1,
};

/** Each field of a step made wrong in the ways JSON can make it. */
function variants(): unknown[] {
  const wrong = [undefined, null, 0, -1, 1.5, 2 ** 53, '', 'x', true, [], ['x'], [1], {}, { message: 'm' }, { message: 'm', code: 'c', retryable: 'no' }];
  const out: unknown[] = [null, [], 'x', 1, Object.create({ inherited: true })];
  for (const field of Object.keys(stepStateSchema.shape)) {
    for (const value of wrong) out.push({ ...step, [field]: value });
    out.push(Object.fromEntries(Object.entries(step).filter(([key]) => key !== field)));
  }
  out.push({ ...step, status: 'unknown' }, { ...step, error: { message: 'm', code: 'c', retryable: true } }, { ...step, started_at: 'b', completed_at: 'c' });
  return out;
}

describe('isValidStepState', () => {
  it('takes a step only when the schema takes it', () => {
    let taken = 0;
    for (const value of variants()) {
      if (!isValidStepState(value)) continue;
      taken++;
      expect(stepStateSchema.safeParse(value).success, JSON.stringify(value)).toBe(true);
    }
    expect(taken).toBeGreaterThan(5);
    expect(isValidStepState(step)).toBe(true);
  });
});

describe('checkRunState', () => {
  it('gives what the schema gives for a valid state', () => {
    const checked = checkRunState(JSON.parse(JSON.stringify(state)));
    expect(checked.success).toBe(true);
    expect(checked.data).toEqual(runStateSchema.parse(JSON.parse(JSON.stringify(state))));
  });

  it('reports what the schema reports for a wrong step or head', () => {
    for (const wrong of [{ ...state, steps: { ...state.steps, s1: { ...step, attempt: -1 } } }, { ...state, run_id: '' }, { ...state, steps: [] }, { ...state, executor: null }]) {
      const checked = checkRunState(wrong);
      expect(checked.success).toBe(false);
      expect(checked.error?.issues).toEqual(runStateSchema.safeParse(wrong).error?.issues);
    }
  });
});
