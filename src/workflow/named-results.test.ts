import { describe, expect, it } from 'vitest';
import type { Step } from './model.js';
import { sourceStep } from './named-results.js';

const step = (id: string, index: number, agent: string, action: string) => ({ id, index, invocation: { agent, action, params: {} } }) as unknown as Step;

/** The definition: the latest accepted step at or before `index`, in list order. */
const linear = (accepts: (s: Step) => boolean, steps: readonly Step[], index: number) => steps.filter((s) => s.index <= index && accepts(s)).at(-1);
const isReview = (s: Step) => s.invocation?.agent === 'reviewer' && s.invocation.action === 'review-code';

describe('sourceStep', () => {
  it('finds the latest source step at or before each reader, as a scan of the steps would', () => {
    const steps = Array.from({ length: 40 }, (_, index) => (index % 7 === 3 ? step(`r${index}`, index, 'reviewer', 'review-code') : step(`s${index}`, index, 'analyst', 'gather')));
    for (let index = -1; index <= 41; index++) expect(sourceStep('scoring', steps, index)).toBe(linear(isReview, steps, index));
    expect(sourceStep('nothing', steps, 10)).toBeUndefined();
  });

  it('sees steps added to a list after it was first asked, and lists not in index order', () => {
    const steps: Step[] = [step('a', 0, 'analyst', 'gather'), step('r1', 1, 'reviewer', 'review-code')];
    expect(sourceStep('scoring', steps, 5)?.id).toBe('r1');
    steps.push(step('r2', 2, 'reviewer', 'review-code'));
    expect(sourceStep('scoring', steps, 5)?.id).toBe('r2');
    const shuffled = [step('r5', 5, 'reviewer', 'review-code'), step('r1', 1, 'reviewer', 'review-code'), step('r3', 3, 'reviewer', 'review-code')];
    for (let index = 0; index <= 6; index++) expect(sourceStep('scoring', shuffled, index)).toBe(linear(isReview, shuffled, index));
  });
});
