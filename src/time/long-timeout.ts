// Timers longer than Node allows: setTimeout takes at most 2^31-1 ms (about 24.8 days) and fires at once (after 1 ms,
// with a TimeoutOverflowWarning) for anything larger — a documented `timeout: 30d` timed out after 36 ms. A long
// timeout chains ordinary timers of at most that length until the whole delay has passed. Durations are also capped
// at validation (MAX_DURATION_MS in config/duration.ts), so nothing reaches here that is longer than a year.

/** The longest delay one Node timer takes. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A pending long timeout. */
export interface LongTimeout {
  /** Cancels it; harmless after it fired. */
  clear(): void;
}

/**
 * Calls `callback` once `ms` milliseconds have passed (at once for a negative, NaN or zero delay), however long `ms`
 * is. `unref` lets the process exit while it is pending, like `timer.unref()`.
 */
export function setLongTimeout(callback: () => void, ms: number, options: { unref?: boolean } = {}): LongTimeout {
  const due = Date.now() + (Number.isFinite(ms) && ms > 0 ? ms : 0);
  let timer: NodeJS.Timeout | undefined;
  let cleared = false;
  const arm = (): void => {
    const left = due - Date.now();
    // Each link waits at most MAX_TIMER_MS; the last one waits what is left, so the callback never fires early.
    timer = setTimeout(
      () => {
        if (cleared) return;
        if (due - Date.now() > 0 && left > MAX_TIMER_MS) arm();
        else callback();
      },
      Math.min(Math.max(left, 0), MAX_TIMER_MS),
    );
    if (options.unref === true) timer.unref();
  };
  arm();
  return {
    clear() {
      cleared = true;
      clearTimeout(timer);
    },
  };
}

/** Resolves after `ms` (any length), or early when `signal` aborts. */
export function sleepLong(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const onAbort = () => {
      timeout.clear();
      resolve();
    };
    const timeout = setLongTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
