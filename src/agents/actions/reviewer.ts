// reviewer `review-code` (alias `review`), `score` and `lint`: deterministic review of TS/JS code with no model —
// per-function complexity, maintainability and size from the TypeScript syntax tree, plus the project's own ESLint.
// `outputs.score` (0–100) and per-metric scores feed gates and presets' `scoring.thresholds` (e.g. overall_min).

import type { ActionDefinition } from '../action.js';
import { paramsSchema, type ReviewMode, type ReviewParams } from '../review/review-params.js';

export type { ReviewMode, ReviewParams } from '../review/review-params.js';

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
