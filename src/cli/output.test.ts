// Columns line up by what a person sees: escape sequences (colour) take no width.

import { describe, expect, it } from 'vitest';
import { columns } from './output.js';

describe('columns', () => {
  it('pads every cell but the last to its column width plus the gap, and trims the line end', () => {
    expect(columns([['step', 'status', 'detail'], ['s1', 'succeeded', ''], ['longer-id', 'failed', 'boom']])).toEqual([
      'step       status     detail',
      's1         succeeded',
      'longer-id  failed     boom',
    ]);
  });

  it('counts a coloured cell by its visible text', () => {
    const red = '\u001b[31mfailed\u001b[39m';
    expect(columns([['a', red, 'x'], ['bb', 'ok', 'y']], 1)).toEqual([`a  ${red} x`, 'bb ok     y']);
  });

  it('takes rows of different lengths', () => {
    expect(columns([['a'], ['bb', 'c']])).toEqual(['a', 'bb  c']);
  });
});
