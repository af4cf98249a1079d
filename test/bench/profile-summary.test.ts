// bench/profile-summary.mjs: a --cpu-prof file's main-thread time per function, self and inclusive.
import { describe, expect, it } from 'vitest';
import { type CpuProfile, summarise } from '../../bench/profile-summary.mjs';

const frame = (functionName: string, lineNumber = 0) => ({ functionName, url: `file:///dist/${functionName}.js`, lineNumber });

// root → run → { write → (native) realpath, encode }, and run recursing into itself once.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2] },
    { id: 2, callFrame: frame('run', 9), children: [3, 5, 6] },
    { id: 3, callFrame: frame('write'), children: [4] },
    { id: 4, callFrame: { functionName: 'realpath', url: '', lineNumber: -1 } },
    { id: 5, callFrame: frame('encode') },
    { id: 6, callFrame: frame('run', 9) },
  ],
  samples: [4, 4, 5, 3, 6],
  timeDeltas: [1000, 3000, 2000, 1000, 3000],
};

describe('summarise', () => {
  it('adds the sampled time of each function to itself and to every caller, a recursive one once', () => {
    const { totalMs, self, inclusive } = summarise(profile);
    expect(totalMs).toBe(10);
    expect(self).toEqual([
      { name: 'realpath (native):0', ms: 4, share: 0.4 },
      { name: 'run run.js:10', ms: 3, share: 0.3 },
      { name: 'encode encode.js:1', ms: 2, share: 0.2 },
      { name: 'write write.js:1', ms: 1, share: 0.1 },
    ]);
    expect(inclusive[0]).toEqual({ name: 'run run.js:10', ms: 10, share: 1 });
    expect(inclusive.find((row) => row.name === 'write write.js:1')?.ms).toBe(5);
    expect(inclusive.some((row) => row.name.startsWith('(root)'))).toBe(false);
  });

  it('keeps the largest `top` rows', () => {
    expect(summarise(profile, 2).self.map((row) => row.name)).toEqual(['realpath (native):0', 'run run.js:10']);
  });
});
