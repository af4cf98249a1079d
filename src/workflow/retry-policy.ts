// The one retry policy: auto_execution_config `retry` (attempts, initial delay, multiplier), overridden per step,
// with jitter and a cap. Only failures marked retryable are retried.

import type { ResolvedConfig } from '../config/resolve.js';
import type { RetryOverride, RetryPolicy } from './model.js';

/** No single retry delay is longer than this unless a step says otherwise. @default 5 minutes */
export const DEFAULT_MAX_DELAY_MS = 5 * 60_000;
/** Each delay is randomised by ±20 % so that failed parallel steps do not retry in lock-step. */
export const DEFAULT_JITTER = 0.2;

/** The policy for one step: the step's override on top of the project's `auto_execution.retry`. */
export function retryPolicyFor(config: ResolvedConfig['autoExecution']['retry'], override: RetryOverride | undefined, forced: boolean): RetryPolicy {
  return {
    enabled: override?.enabled ?? (forced || config.enabled),
    maxAttempts: override?.maxAttempts ?? config.maxAttempts,
    initialDelayMs: override?.initialDelayMs ?? config.initialDelayMs,
    backoffMultiplier: override?.backoffMultiplier ?? config.backoffMultiplier,
    maxDelayMs: override?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    jitter: override?.jitter ?? DEFAULT_JITTER,
  };
}

/** True when attempt number `attempt` (1-based) failed in a way the policy retries. */
export function shouldRetry(policy: RetryPolicy, attempt: number, retryable: boolean): boolean {
  return policy.enabled && retryable && attempt < policy.maxAttempts;
}

/**
 * The delay before attempt `attempt + 1`: initial × multiplier^(attempt-1), capped, then jittered within ±jitter.
 * @param random a number in [0, 1) (injected for tests)
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number = Math.random()): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.backoffMultiplier ** Math.max(0, attempt - 1));
  const jittered = base * (1 + policy.jitter * (2 * random - 1));
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, jittered)));
}
