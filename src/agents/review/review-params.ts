// The reviewer actions' parameters: declared by the registry entries (../actions/reviewer.ts) and read by the analysis
// (./run-review.ts), which is loaded only when a reviewer action runs.

import { z } from 'zod';
import { relativePath } from '../model/project-path.js';

/** The reviewer's parameters as given in a step or on the command line. */
export const paramsSchema = z.strictObject({
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
