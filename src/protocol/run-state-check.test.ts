// The fast check of state.json (head and steps) is never looser than the schema, and checkRunState answers as the
// schema does.

import { describe, expect, it } from 'vitest';
import { checkRunState, isValidRunHead, isValidStepState } from './run-state-check.js';
import { runStateSchema, stepStateSchema } from './run-state-schema.js';

const step = { name: 's0', status: 'succeeded', attempt: 1, started_at: 'a', completed_at: null, step_dir: '/d', work_dir: '/w', outputs: { ok: true }, artifacts: ['x'], error: null, agent: 'analyst' };
const state = {
  schemaVersion: 1, run_id: 'r', workflow_id: 'w', workflow_name: 'w', workflow_file: '/w.yaml', status: 'running', executor: { pid: 1, host: 'h', start: '7' },
  started_at: 'a', updated_at: 'a', completed_at: null, error: null, params: { p: [1] }, auto_execution: false, transport: 'inline', gate_iterations: { g: 2 },
  steps: { s0: step, s1: { ...step, status: 'failed', error: { message: 'm', code: 'C', retryable: false, extra: 1 } } }, failed_steps: 1,
};

/** The values JSON can give a field, most of them wrong for it. */
const WRONG = [undefined, null, 0, -1, 1.5, 2 ** 53, '', 'x', true, [], ['x'], [1], {}, { message: 'm' }, { message: 'm', code: 'c', retryable: 'no' }, { a: 'x' }, { a: 1 }];

/** Each field of `base` made wrong in the ways JSON can make it, and left out. */
function variantsOf(base: Record<string, unknown>, fields: readonly string[]): unknown[] {
  const out: unknown[] = [null, [], 'x', 1, Object.create({ inherited: true })];
  for (const field of fields) {
    for (const value of WRONG) out.push({ ...base, [field]: value });
    out.push(Object.fromEntries(Object.entries(base).filter(([key]) => key !== field)));
  }
  return out;
}

describe('isValidStepState', () => {
  it('takes a step only when the schema takes it', () => {
    const variants = [...variantsOf(step, Object.keys(stepStateSchema.shape)), { ...step, status: 'unknown' }, { ...step, error: { message: 'm', code: 'c', retryable: true } }, { ...step, started_at: 'b', completed_at: 'c' }];
    let taken = 0;
    for (const value of variants) {
      if (!isValidStepState(value)) continue;
      taken++;
      expect(stepStateSchema.safeParse(value).success, JSON.stringify(value)).toBe(true);
    }
    expect(taken).toBeGreaterThan(5);
    expect(isValidStepState(step)).toBe(true);
  });
});

describe('isValidRunHead', () => {
  it('takes a head only when the schema takes it (its steps aside)', () => {
    const head = { ...state, steps: {} };
    const executors = [{ pid: 1, host: 'h' }, { pid: 1.5, host: 'h' }, { pid: 1, host: 'h', start: 7 }, { pid: 1, host: 2 }, { host: 'h' }, { pid: 1, host: 'h', other: true }];
    const variants = [
      ...variantsOf(head, Object.keys(runStateSchema.shape).filter((field) => field !== 'steps')),
      ...executors.map((executor) => ({ ...head, executor })),
      { ...head, status: 'interrupted' }, { ...head, schemaVersion: 2 }, { ...head, gate_iterations: { g: 'x' } }, { ...head, completed_at: 'b', error: 'e' },
    ];
    let taken = 0;
    for (const value of variants) {
      if (!isValidRunHead(value)) continue;
      taken++;
      expect(runStateSchema.safeParse(value).success, JSON.stringify(value)).toBe(true);
    }
    expect(taken).toBeGreaterThan(5);
    expect(isValidRunHead(head)).toBe(true);
  });
});

describe('checkRunState', () => {
  it('gives what the schema gives for a valid state', async () => {
    const checked = await checkRunState(JSON.parse(JSON.stringify(state)));
    expect(checked.success).toBe(true);
    expect(checked.data).toEqual(runStateSchema.parse(JSON.parse(JSON.stringify(state))));
  });

  it('reports what the schema reports for a wrong step or head', async () => {
    for (const wrong of [{ ...state, steps: { ...state.steps, s1: { ...step, attempt: -1 } } }, { ...state, run_id: '' }, { ...state, steps: [] }, { ...state, executor: null }, { ...state, gate_iterations: { g: 'x' } }]) {
      const checked = await checkRunState(wrong);
      expect(checked.success).toBe(false);
      expect(checked.error?.issues).toEqual(runStateSchema.safeParse(wrong).error?.issues);
    }
  });
});
