// Waiting for something for at most a grace period (a drain on stop), with no timer left behind.

import { setLongTimeout, type LongTimeout } from './long-timeout.js';

/** True when `promise` settles within `graceMs`, false when the grace period passes first. */
export async function settlesWithin(promise: Promise<unknown>, graceMs: number): Promise<boolean> {
  let timer: LongTimeout | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, new Promise<boolean>((resolve) => (timer = setLongTimeout(() => resolve(false), graceMs)))]);
  } finally {
    timer?.clear();
  }
}
