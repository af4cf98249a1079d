import { describe, expect, it } from 'vitest';
import { closestMatches, editDistance } from './closest-match.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('closestMatches', () => {
  it('suggests the nearest key first', () => {
    expect(closestMatches('polling_intervl', ['polling_interval', 'timeout_seconds', 'polling'])).toEqual(['polling_interval']);
  });

  it('treats kebab-case and snake_case alike', () => {
    expect(closestMatches('watch-paths', ['watch_paths', 'commands'])).toEqual(['watch_paths']);
  });

  it('suggests nothing for an unrelated word', () => {
    expect(closestMatches('zzzzzz', ['enabled', 'retry'])).toEqual([]);
  });
});
