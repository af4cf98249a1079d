// Types of bench/check.mjs, for the tests that import it.
export interface BenchRow { name: string; median: number; cpuMs?: number; cpu?: number }
export interface Ratio { id: string; figure: RegExp; floor: string; value: (row: BenchRow) => number | undefined }
export interface Verdict { id: string; before: number; after: number | undefined; change: number | undefined; regressed: boolean }
export const REGRESSION: number;
export const RATIOS: Ratio[];
export function ratiosOf(report: { rows: BenchRow[] }): Record<string, number>;
export function compare(baseline: Record<string, number>, now: Record<string, number>): Verdict[];
