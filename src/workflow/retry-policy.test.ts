import { describe, expect, it } from 'vitest';
import { retryDelayMs, retryPolicyFor, shouldRetry } from './retry-policy.js';

const config = { enabled: true, maxAttempts: 3, backoffMultiplier: 2, initialDelayMs: 1000 };

describe('retry policy', () => {
  it('takes the config and lets a step override single keys', () => {
    expect(retryPolicyFor(config, undefined, false)).toEqual({ enabled: true, maxAttempts: 3, initialDelayMs: 1000, backoffMultiplier: 2, maxDelayMs: 300_000, jitter: 0.2 });
    expect(retryPolicyFor({ ...config, enabled: false }, { maxAttempts: 5 }, false)).toMatchObject({ enabled: false, maxAttempts: 5 });
    expect(retryPolicyFor({ ...config, enabled: false }, undefined, true).enabled).toBe(true);
  });

  it('retries only retryable failures while attempts are left', () => {
    const policy = retryPolicyFor(config, undefined, false);
    expect(shouldRetry(policy, 1, true)).toBe(true);
    expect(shouldRetry(policy, 2, true)).toBe(true);
    expect(shouldRetry(policy, 3, true)).toBe(false);
    expect(shouldRetry(policy, 1, false)).toBe(false);
  });

  it('backs off exponentially with ±jitter and a cap', () => {
    const policy = retryPolicyFor(config, { maxDelayMs: 5000 }, false);
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt, 0.5))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(retryDelayMs(policy, 1, 0)).toBe(800);
    expect(retryDelayMs(policy, 1, 0.999_999)).toBe(1200);
    expect(retryDelayMs(policy, 10, 0.999_999)).toBe(5000);
  });
});
