import { describe, expect, it } from 'vitest';
import { describeTail } from './cli-engine.js';

describe('describeTail', () => {
  it('quotes one line after a colon, and nothing for empty output', () => {
    expect(describeTail('Error: bad flag\n', 'stderr')).toBe(': Error: bad flag');
    expect(describeTail('  \n\n', 'stderr')).toBeUndefined();
  });

  it('quotes at most the last 15 lines on lines of their own, saying which stream', () => {
    const text = `${Array.from({ length: 20 }, (_, index) => `line ${index + 1}`).join('\r\n')}\r\n`;
    expect(describeTail(text, 'stdout')).toBe(`; the last 15 lines of its stdout:\n${Array.from({ length: 15 }, (_, index) => `line ${index + 6}`).join('\n')}`);
    expect(describeTail('\n\nfirst\nsecond\n', 'stderr')).toBe('; the last 2 lines of its stderr:\nfirst\nsecond');
  });

  it('cuts very long tails to their last 2000 characters', () => {
    const tail = describeTail(`${'x'.repeat(3000)}\n${'y'.repeat(3000)}\n`, 'stderr') ?? '';
    expect(tail.startsWith('; the last 2 lines of its stderr:\n…')).toBe(true);
    expect(tail.endsWith('y'.repeat(2000))).toBe(true);
    expect(describeTail('z'.repeat(5000), 'stderr')).toBe(`: ${'z'.repeat(2000)}`);
  });
});
