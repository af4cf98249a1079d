// Durations in config files: a number of seconds (the seed's `polling_interval: 5.0`) or a string like "500ms", "30s", "5m", "1h".

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * The longest duration accepted anywhere (timeouts, delays, polling, `--since`, `--older-than`, `--grace`): 365 days.
 * Longer values are a validation error, never a timer that overflows or a date out of range (docs/decisions.md).
 */
export const MAX_DURATION_MS = 365 * UNIT_MS.d;
/** {@link MAX_DURATION_MS} as people write it. */
export const MAX_DURATION_TEXT = '365d';

/** Why `ms` is too long to be a duration (to follow "must be …"), or undefined when it is within the cap. */
export function durationTooLong(ms: number): string | undefined {
  return ms > MAX_DURATION_MS ? `at most ${MAX_DURATION_TEXT} (the longest duration tapps-agents accepts)` : undefined;
}

/** A duration as written by a person: seconds as a number, or a string with a unit. */
export type DurationInput = number | string;

/**
 * Converts a duration to milliseconds, or returns undefined when the text is not a duration.
 * @example parseDuration("5m") // 300000
 * @example parseDuration(2.5) // 2500
 */
export function parseDuration(input: DurationInput): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? Math.round(input * 1000) : undefined;
  const match = PATTERN.exec(input);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** Formats milliseconds the way a person would write them in config: "250ms", "5s", "1.5m", "2h", "30d". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)}m`;
  if (ms < 2 * UNIT_MS.d) return `${trim(ms / 3_600_000)}h`;
  return `${trim(ms / UNIT_MS.d)}d`;
}

function trim(value: number): string {
  return String(Math.round(value * 100) / 100);
}
