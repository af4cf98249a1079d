// The one way tests wait for something another process does: poll until the probe gives a value, with a generous
// deadline and no fixed sleeps. A probe that throws fails the wait at once (a process that exited, say).

/**
 * Polls `probe` every `intervalMs` until it returns something other than undefined or false, and returns that; throws
 * after `timeoutMs`, naming `what` it waited for.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 30_000, intervalMs = 25): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
