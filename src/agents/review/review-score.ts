// Turns code metrics and lint results into 0–100 scores. The formulas are in docs/agents.md; change both together.

import type { FileMetrics } from './code-metrics.js';
import type { LintFileResult } from './eslint-run.js';

/** Per-metric scores (0–100, one decimal); `lint` is null when the project has no ESLint. */
export interface ReviewScores {
  overall: number;
  complexity: number;
  maintainability: number;
  size: number;
  lint: number | null;
}

/** Weights of the overall score; lint's share is spread over the others when there is no lint result. */
export const SCORE_WEIGHTS = { complexity: 0.3, maintainability: 0.3, size: 0.15, lint: 0.25 } as const;

/** Complexity at or below this costs nothing; each point above costs 5 (0 at 30). */
export const COMPLEXITY_FREE = 10;
/** Function lines at or below this cost nothing; 0 at 200. */
export const FUNCTION_LINES_FREE = 40;
/** File lines at or below this cost nothing; 0 at 2000. */
export const FILE_LINES_FREE = 400;

/** Scores for the analysed files (and the lint results of those files, when ESLint ran). */
export function scoreReview(files: readonly FileMetrics[], lint: readonly LintFileResult[] | undefined): ReviewScores {
  const functions = files.flatMap((file) => file.functions);
  const complexity = mean(functions.map((fn) => clamp(100 - 5 * Math.max(0, fn.complexity - COMPLEXITY_FREE))), 100);
  const maintainability = mean(functions.map((fn) => fn.maintainability), 100);
  const functionSize = mean(functions.map((fn) => clamp(100 - (Math.max(0, fn.sloc - FUNCTION_LINES_FREE) * 100) / 160)), 100);
  const fileSize = mean(files.map((file) => clamp(100 - Math.max(0, file.sloc - FILE_LINES_FREE) / 16)), 100);
  const size = (functionSize + fileSize) / 2;
  const lintScore = lint === undefined ? null : mean(lint.map((file) => clamp(100 - 10 * file.errors - 2 * file.warnings)), 100);
  const parts: [number, number][] = [
    [complexity, SCORE_WEIGHTS.complexity],
    [maintainability, SCORE_WEIGHTS.maintainability],
    [size, SCORE_WEIGHTS.size],
    ...(lintScore === null ? [] : [[lintScore, SCORE_WEIGHTS.lint] as [number, number]]),
  ];
  const weight = parts.reduce((sum, [, w]) => sum + w, 0);
  const overall = parts.reduce((sum, [score, w]) => sum + score * w, 0) / weight;
  return { overall: round(overall), complexity: round(complexity), maintainability: round(maintainability), size: round(size), lint: lintScore === null ? null : round(lintScore) };
}

function mean(values: readonly number[], empty: number): number {
  return values.length === 0 ? empty : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function clamp(value: number): number {
  return Math.min(100, Math.max(0, value));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
