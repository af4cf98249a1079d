// The executor's heap growth factor is set once, and never over one Node was started with.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth, EXECUTOR_HEAP_GROWING_PERCENT } from './heap-growth.js';

describe('boundHeapGrowth', () => {
  it('sets the growth factor when Node was given none', () => {
    const set: string[] = [];
    boundHeapGrowth([], undefined, (flags) => set.push(flags));
    expect(set).toEqual([`--heap-growing-percent=${EXECUTOR_HEAP_GROWING_PERCENT}`]);
  });

  it('leaves a factor given on the command line or in NODE_OPTIONS', () => {
    const set: string[] = [];
    boundHeapGrowth(['--heap-growing-percent=50'], undefined, (flags) => set.push(flags));
    boundHeapGrowth(['--heap_growing_percent=50'], undefined, (flags) => set.push(flags));
    boundHeapGrowth([], '--enable-source-maps --heap-growing-percent=50', (flags) => set.push(flags));
    expect(set).toEqual([]);
  });

  it('is no limit: a process given the factor still grows its heap to what it keeps alive', () => {
    // 400 MB kept alive, past any limit a factor of 1.2 over the start's heap could stand for.
    const script = `require('node:v8').setFlagsFromString('--heap-growing-percent=${EXECUTOR_HEAP_GROWING_PERCENT}'); const kept = []; for (let i = 0; i < 400; i++) kept.push(new Array(131072).fill(i)); process.stdout.write(String(kept.length));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('400');
  }, 30_000);
});
