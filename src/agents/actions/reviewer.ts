// reviewer `review-code` (alias `review`), `score` and `lint`: deterministic review of TS/JS code with no model —
// per-function complexity, maintainability and size from the TypeScript syntax tree, plus the project's own ESLint.
// `outputs.score` (0–100) and per-metric scores feed gates and presets' `scoring.thresholds` (e.g. overall_min).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ActionDefinition } from '../action.js';
import { writeReports } from '../builtin/report-files.js';
import { projectDirOf } from '../builtin/work-dir.js';
import { relativePath } from '../model/project-path.js';
import type { SkillContext, SkillResult } from '../skill.js';
import { analyseSource, type FileMetrics } from '../review/code-metrics.js';
import { runProjectEslint, type LintOutcome } from '../review/eslint-run.js';
import { findingsOf, reviewMarkdown, type ReviewReport } from '../review/review-report.js';
import { scoreReview } from '../review/review-score.js';
import { collectSourceFiles } from '../review/source-files.js';
import { loadTypeScript } from '../review/load-typescript.js';

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

type Params = z.output<typeof paramsSchema>;
type Mode = 'review' | 'score' | 'lint';

function reviewerAction(name: string, aliases: string[], mode: Mode, description: string): ActionDefinition<Params> {
  const base = (params: Params) => params.report_file ?? `${mode === 'lint' ? 'lint' : mode === 'score' ? 'score' : 'review'}-report`;
  return {
    agent: 'reviewer',
    name,
    aliases,
    kind: 'builtin',
    description,
    params: paramsSchema,
    artifacts: (params) => [`${base(params)}.json`, `${base(params)}.md`],
    run: (params, context) => review(params, context, mode, base(params)),
  };
}

export const reviewCode = reviewerAction('review-code', ['review'], 'review', 'Review TS/JS code: complexity, maintainability, size and the project\'s ESLint; JSON + Markdown report and outputs.score.');
export const scoreCode = reviewerAction('score', ['score-code'], 'score', 'Score TS/JS code 0–100 (same analysis as review-code).');
export const lintCode = reviewerAction('lint', [], 'lint', "Run the project's own ESLint on TS/JS code; outputs.lint_score.");

async function review(params: Params, context: SkillContext, mode: Mode, reportBase: string): Promise<SkillResult> {
  const root = projectDirOf(context);
  const wanted = params.target_file ?? params.file;
  const target = wanted === undefined ? (existsSync(path.join(root, 'src')) ? path.join(root, 'src') : root) : path.resolve(root, wanted);
  if (!existsSync(target)) return failed('TARGET_NOT_FOUND', `Nothing to review: ${path.relative(root, target) || '.'} does not exist in ${root}`);
  const { files, unsupported, truncated } = await collectSourceFiles(target, params.max_files);
  if (files.length === 0) {
    const what = unsupported.length > 0 ? `${path.relative(root, unsupported[0] as string)} is not a TS/JS file (the builtin reviewer reads .ts, .tsx, .js, .jsx, .mjs, .cjs; use a model engine for other languages)` : `no TS/JS files under ${path.relative(root, target) || '.'}`;
    return failed('NOTHING_TO_REVIEW', `Nothing to review: ${what}`);
  }
  const metrics: FileMetrics[] = [];
  if (mode !== 'lint') {
    const typescript = loadTypeScript(root);
    for (const [index, file] of files.entries()) {
      if (context.signal.aborted) return failed('CANCELLED', 'Review was cancelled', false);
      metrics.push(analyseSource(typescript, file, await readFile(file, 'utf8')));
      if (index % 200 === 0) context.onProgress?.({ percentage: Math.round((index / files.length) * 80), message: `analysed ${index} of ${files.length} files` });
    }
  }
  const lint: LintOutcome = params.eslint || mode === 'lint' ? await runProjectEslint(root, files, { env: context.env, timeoutMs: Math.min(context.timeoutMs, 300_000), signal: context.signal }) : { ran: false, reason: 'turned off (--eslint false)' };
  if (mode === 'lint' && !lint.ran) return failed('LINT_UNAVAILABLE', `Cannot lint: ${lint.reason}`);
  const scores = scoreReview(metrics, lint.ran ? lint.files : undefined);
  if (mode === 'lint') {
    scores.overall = scores.lint ?? 0;
  }
  const lintSummary = lint.ran ? { ran: true as const, errors: sum(lint.files, 'errors'), warnings: sum(lint.files, 'warnings'), files: lint.files } : lint;
  const report: ReviewReport = {
    target: path.relative(root, target) || '.',
    scores,
    min_score: params.min_score,
    passed: scores.overall >= params.min_score,
    files: metrics,
    lint: lintSummary,
    findings: findingsOf(metrics, lint, root, params.complexity_threshold),
    skipped: [...unsupported.map((file) => path.relative(root, file)), ...(truncated ? [`(stopped at --max-files ${params.max_files})`] : [])],
  };
  const title = mode === 'lint' ? 'Lint' : mode === 'score' ? 'Score' : 'Code review';
  const artifacts = await writeReports(context.stepDir, reportBase, { ...report, files: report.files.map((file) => ({ ...file, file: path.relative(root, file.file) })) }, reviewMarkdown(report, root, title));
  const functions = metrics.flatMap((file) => file.functions);
  const outputs = {
    score: scores.overall,
    overall_score: scores.overall,
    complexity_score: scores.complexity,
    maintainability_score: scores.maintainability,
    size_score: scores.size,
    lint_score: scores.lint,
    scores,
    passed: report.passed,
    min_score: params.min_score,
    files: files.length,
    functions: functions.length,
    max_complexity: functions.reduce((max, fn) => Math.max(max, fn.complexity), 0),
    average_complexity: functions.length === 0 ? 0 : Math.round((functions.reduce((total, fn) => total + fn.complexity, 0) / functions.length) * 10) / 10,
    lint_errors: lintSummary.ran ? lintSummary.errors : null,
    lint_warnings: lintSummary.ran ? lintSummary.warnings : null,
    findings: report.findings.length,
  };
  const summary = `${title.toLowerCase()} score ${scores.overall}/100 over ${files.length} files (${report.findings.length} findings)`;
  if (!report.passed && params.fail_below_min) return { status: 'failed', outputs, artifacts, error: { code: 'SCORE_BELOW_MINIMUM', message: `${summary}: below the minimum ${params.min_score}`, retryable: false } };
  return { status: 'success', outputs, artifacts, output: summary };
}

function sum(files: readonly { errors: number; warnings: number }[], key: 'errors' | 'warnings'): number {
  return files.reduce((total, file) => total + file[key], 0);
}

function failed(code: string, message: string, retryable = false): SkillResult {
  return { status: 'failed', outputs: {}, artifacts: [], error: { code, message, retryable } };
}
