import { describe, expect, it } from 'vitest';
import { withVariables } from './step-run-context.js';

describe('withVariables', () => {
  it('is { ...base, ...extra }: the same keys in the same order, base unchanged', () => {
    const base = { A: '1', B: '2', C: '3' };
    const extra = { B: 'two', D: '4' };
    const merged = withVariables(base, extra);
    expect(merged).toEqual({ ...base, ...extra });
    expect(Object.keys(merged)).toEqual(Object.keys({ ...base, ...extra }));
    expect(base).toEqual({ A: '1', B: '2', C: '3' });
    expect(merged).not.toBe(base);
  });

  it('keeps a variable named __proto__ as a plain variable', () => {
    const base = JSON.parse('{"A": "1", "__proto__": "x"}') as Record<string, string>;
    const merged = withVariables(base, JSON.parse('{"__proto__": "y", "B": "2"}') as Record<string, string>);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['A', '__proto__', 'B']);
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toBe('y');
  });
});
