import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout, sleepLong } from './long-timeout.js';

const DAY = 86_400_000;

describe('setLongTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['30d (the documented form that overflowed Node’s timer)', 30 * DAY],
    ['365d (the cap)', 365 * DAY],
    ['just over one timer', MAX_TIMER_MS + 1],
  ])('fires only after the whole delay: %s', (_label, ms) => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, ms);
    vi.advanceTimersByTime(ms - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('fires a short delay like setTimeout, and a zero or negative one at once', () => {
    vi.useFakeTimers();
    const short = vi.fn();
    const none = vi.fn();
    setLongTimeout(short, 3000);
    setLongTimeout(none, -5);
    vi.advanceTimersByTime(0);
    expect(none).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2999);
    expect(short).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(short).toHaveBeenCalledTimes(1);
  });

  it('never fires once cleared, even between links of the chain', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const timeout = setLongTimeout(fired, 60 * DAY);
    vi.advanceTimersByTime(MAX_TIMER_MS + 10);
    timeout.clear();
    vi.advanceTimersByTime(60 * DAY);
    expect(fired).not.toHaveBeenCalled();
  });

  it('sleepLong resolves after the delay or at once on abort', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    let done = false;
    const sleeping = sleepLong(40 * DAY, controller.signal).then(() => (done = true));
    vi.advanceTimersByTime(30 * DAY);
    await Promise.resolve();
    expect(done).toBe(false);
    controller.abort();
    await sleeping;
    expect(done).toBe(true);
  });
});
