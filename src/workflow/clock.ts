// Time as a port: the executor asks a Clock for "now" and for sleeps, so tests drive retries with fake timers.

import { sleepLong } from '../time/long-timeout.js';

/** What the engine needs from time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock, built on Date.now and setTimeout (so vi.useFakeTimers controls it too). */
export const systemClock: Clock = {
  now: () => Date.now(),
  // Any length: retry delays and approval waits may be days (src/time/long-timeout.ts).
  sleep: (ms, signal) => sleepLong(ms, signal),
};

/** `clock`'s now as an ISO-8601 time: the form of every timestamp in state.json, events and metrics. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
