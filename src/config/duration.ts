// Durations in config files: a number of seconds (the seed's `polling_interval: 5.0`) or a string like "500ms", "30s", "5m", "1h".

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

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

/** Formats milliseconds the way a person would write them in config: "250ms", "5s", "1.5m", "2h". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)}m`;
  return `${trim(ms / 3_600_000)}h`;
}

function trim(value: number): string {
  return String(Math.round(value * 100) / 100);
}
