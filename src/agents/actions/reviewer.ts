// reviewer `review-code` (alias `review`), `score` and `lint`: deterministic review of TS/JS code with no model —
// per-function complexity, maintainability and size from the TypeScript syntax tree, plus the project's own ESLint.
// `outputs.score` (0–100) and per-metric scores feed gates and presets' `scoring.thresholds` (e.g. overall_min).

import { z } from 'zod';
import type { ActionDefinition } from '../action.js';
import { relativePath } from '../model/project-path.js';

const paramsSchema = z.strictObject({
  target_file: relativePath('File or directory to review, relative to the project (default: src, else the project).').optional(),
  file: relativePath('The original\'s name for target_file.').optional(),
  min_score: z.number().min(0).max(100).default(70).describe('`outputs.passed` is true when the overall score reaches this.'),
  complexity_threshold: z.int().min(1).default(10).describe('Functions above this complexity are listed as findings.'),
  eslint: z.boolean().default(true).describe("Run the project's own ESLint when it has one."),
  fail_below_min: z.boolean().default(false).describe('Fail the step when the score is below min_score (gates usually decide instead).'),
  max_files: z.int().min(1).default(5000).describe('Most files analysed.'),
  report_file: relativePath('Report base name (".json" and ".md" are written).').optional(),
});

/** The reviewer's parameters, validated. */
export type ReviewParams = z.output<typeof paramsSchema>;
/** What a reviewer action does with the same analysis. */
export type ReviewMode = 'review' | 'score' | 'lint';

function reviewerAction(name: string, aliases: string[], mode: ReviewMode, description: string): ActionDefinition<ReviewParams> {
  const base = (params: ReviewParams) => params.report_file ?? `${mode === 'lint' ? 'lint' : mode === 'score' ? 'score' : 'review'}-report`;
  return {
    agent: 'reviewer',
    name,
    aliases,
    kind: 'builtin',
    description,
    params: paramsSchema,
    artifacts: (params) => [`${base(params)}.json`, `${base(params)}.md`],
    // The analysis (and the TypeScript parser it loads) is imported only when a reviewer action runs.
    run: async (params, context) => (await import('../review/run-review.js')).review(params, context, mode, base(params)),
  };
}

export const reviewCode = reviewerAction('review-code', ['review'], 'review', 'Review TS/JS code: complexity, maintainability, size and the project\'s ESLint; JSON + Markdown report and outputs.score.');
export const scoreCode = reviewerAction('score', ['score-code'], 'score', 'Score TS/JS code 0–100 (same analysis as review-code).');
export const lintCode = reviewerAction('lint', [], 'lint', "Run the project's own ESLint on TS/JS code; outputs.lint_score.");
