// The executor's V8 flags are set once, and never over one Node was started with.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXECUTOR_HEAP_GROWING_PERCENT, EXECUTOR_INTERRUPT_BUDGET, tuneExecutorV8 } from './executor-v8-flags.js';

describe('tuneExecutorV8', () => {
  it('sets every flag when Node was given none', () => {
    const set: string[] = [];
    tuneExecutorV8([], undefined, (flags) => set.push(flags));
    expect(set).toEqual([`--heap-growing-percent=${EXECUTOR_HEAP_GROWING_PERCENT}`, `--interrupt-budget=${EXECUTOR_INTERRUPT_BUDGET}`]);
  });

  it('leaves a flag given on the command line or in NODE_OPTIONS, in either spelling, and sets the others', () => {
    const set: string[] = [];
    tuneExecutorV8(['--heap-growing-percent=50'], undefined, (flags) => set.push(flags));
    tuneExecutorV8(['--heap_growing_percent=50'], undefined, (flags) => set.push(flags));
    tuneExecutorV8([], '--enable-source-maps --heap-growing-percent=50', (flags) => set.push(flags));
    expect(set).toEqual(Array(3).fill(`--interrupt-budget=${EXECUTOR_INTERRUPT_BUDGET}`));
    const none: string[] = [];
    tuneExecutorV8(['--interrupt_budget=5000'], '--heap-growing-percent=50', (flags) => none.push(flags));
    expect(none).toEqual([]);
  });

  it('does not take a flag whose name only begins like one of them', () => {
    const set: string[] = [];
    tuneExecutorV8(['--interrupt-budget-for-maglev=5000'], undefined, (flags) => set.push(flags));
    expect(set).toEqual([`--heap-growing-percent=${EXECUTOR_HEAP_GROWING_PERCENT}`, `--interrupt-budget=${EXECUTOR_INTERRUPT_BUDGET}`]);
  });

  it('is no limit: a process given the heap factor still grows its heap to what it keeps alive', () => {
    // 400 MB kept alive, past any limit a factor of 1.2 over the start's heap could stand for.
    const script = `require('node:v8').setFlagsFromString('--heap-growing-percent=${EXECUTOR_HEAP_GROWING_PERCENT}'); const kept = []; for (let i = 0; i < 400; i++) kept.push(new Array(131072).fill(i)); process.stdout.write(String(kept.length));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('400');
  }, 30_000);

  it('is a flag this Node accepts at run time', () => {
    const script = `require('node:v8').setFlagsFromString('--interrupt-budget=${EXECUTOR_INTERRUPT_BUDGET}'); process.stdout.write('ok');`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('ok');
  }, 30_000);
});
