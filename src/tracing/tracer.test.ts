import { describe, expect, it } from 'vitest';
import { activeTracer, traced } from './tracer.js';

describe('traced with traces off', () => {
  it('runs the function without a span and gives its result, its rejection, or what it threw as a rejection', async () => {
    expect(activeTracer()).toBeUndefined();
    const spans: unknown[] = [];
    await expect(traced('x', {}, (span) => (spans.push(span), Promise.resolve(42)))).resolves.toBe(42);
    expect(spans).toEqual([undefined]);
    const failure = new Error('no');
    await expect(traced('x', {}, () => Promise.reject(failure))).rejects.toBe(failure);
    const thrown = traced('x', {}, () => {
      throw failure;
    });
    expect(thrown).toBeInstanceOf(Promise);
    await expect(thrown).rejects.toBe(failure);
  });
});
