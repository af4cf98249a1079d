// Runs a reviewer action (review-code, score, lint): collect the TS/JS and Python files, measure each, run the
// project's own ESLint, score, and write the JSON and Markdown reports.

import { stepError, type StepErrorCode } from '../../step-errors.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReviewMode, ReviewParams } from './review-params.js';
import { writeReports } from '../builtin/report-files.js';
import { projectDirOf } from '../builtin/work-dir.js';
import type { SkillContext, SkillResult } from '../skill.js';
import { analyseSource, type FileMetrics } from './code-metrics.js';
import { runProjectEslint, type LintOutcome } from './eslint-run.js';
import { findingsOf, reviewMarkdown, type ReviewReport } from './review-report.js';
import { scoreReview } from './review-score.js';
import { collectSourceFiles } from './source-files.js';
import { loadTypeScript } from './load-typescript.js';
import { analysePython } from './python-metrics.js';
import { readRegularFile } from '../../fs/read-regular-file.js';

/** Runs the reviewer in `mode` and writes its reports as `reportBase`.json/.md in the step directory. */
export async function review(params: ReviewParams, context: SkillContext, mode: ReviewMode, reportBase: string): Promise<SkillResult> {
  const root = projectDirOf(context);
  const target = targetOf(params, root);
  if (!existsSync(target)) return failed('TARGET_NOT_FOUND', `Nothing to review: ${path.relative(root, target) || '.'} does not exist in ${root}`);
  const { files, unsupported, truncated } = await collectSourceFiles(target, params.max_files);
  if (files.length === 0) return failed('NOTHING_TO_REVIEW', `Nothing to review: ${whyNothing(root, target, unsupported)}`);
  const metrics = mode === 'lint' ? [] : await analyseFiles(root, files, context);
  if (metrics === undefined) return failed('CANCELLED', 'Review was cancelled');
  const lint = await lintFiles(root, files, params.eslint || mode === 'lint', context);
  if (mode === 'lint' && !lint.ran) return failed('LINT_UNAVAILABLE', `Cannot lint: ${lint.reason}`);
  const scores = scoreReview(metrics, lint.ran ? lint.files : undefined);
  if (mode === 'lint') scores.overall = scores.lint ?? 0;
  const report: ReviewReport = {
    target: path.relative(root, target) || '.',
    scores,
    min_score: params.min_score,
    passed: scores.overall >= params.min_score,
    files: metrics,
    lint: lint.ran ? { ran: true, errors: sum(lint.files, 'errors'), warnings: sum(lint.files, 'warnings'), files: lint.files } : lint,
    findings: findingsOf(metrics, lint, root, params.complexity_threshold),
    skipped: [...unsupported.map((file) => path.relative(root, file)), ...(truncated ? [`(stopped at --max-files ${params.max_files})`] : [])],
  };
  const title = TITLES[mode];
  const artifacts = await writeReports(context.stepDir, reportBase, { ...report, files: report.files.map((file) => ({ ...file, file: path.relative(root, file.file) })) }, reviewMarkdown(report, root, title));
  const outputs = outputsOf(report, files.length);
  const summary = `${title.toLowerCase()} score ${scores.overall}/100 over ${files.length} files (${report.findings.length} findings)`;
  if (!report.passed && params.fail_below_min) return { status: 'failed', outputs, artifacts, error: { code: 'SCORE_BELOW_MINIMUM', message: `${summary}: below the minimum ${params.min_score}`, retryable: false } };
  return { status: 'success', outputs, artifacts, output: summary };
}

async function lintFiles(root: string, files: string[], wanted: boolean, context: SkillContext): Promise<LintOutcome> {
  if (!wanted) return { ran: false, reason: 'turned off (--eslint false)' };
  const scripts = files.filter((file) => !file.endsWith('.py'));
  if (scripts.length === 0) return { ran: false, reason: 'no TS/JS files to lint' };
  return runProjectEslint(root, scripts, { env: context.env, timeoutMs: Math.min(context.timeoutMs, 300_000), signal: context.signal });
}

const TITLES: Record<ReviewMode, string> = { review: 'Code review', score: 'Score', lint: 'Lint' };

function targetOf(params: ReviewParams, root: string): string {
  const wanted = params.target_file ?? params.file;
  if (wanted !== undefined) return path.resolve(root, wanted);
  return existsSync(path.join(root, 'src')) ? path.join(root, 'src') : root;
}

function whyNothing(root: string, target: string, unsupported: string[]): string {
  const [first] = unsupported;
  if (first === undefined) return `no TS/JS or Python files under ${path.relative(root, target) || '.'}`;
  return `${path.relative(root, first)} is not a file the builtin reviewer reads (.ts, .tsx, .js, .jsx, .mjs, .cjs, .py; use a model engine for other languages)`;
}

/** Metrics of every file, or undefined when the step was cancelled part way. */
async function analyseFiles(root: string, files: string[], context: SkillContext): Promise<FileMetrics[] | undefined> {
  // Python needs no compiler: TypeScript is loaded only when there is TS/JS to parse.
  const typescript = files.some((file) => !file.endsWith('.py')) ? loadTypeScript(root) : undefined;
  const metrics: FileMetrics[] = [];
  for (const [index, file] of files.entries()) {
    if (context.signal.aborted) return undefined;
    const text = await readRegularFile(file);
    metrics.push(typescript === undefined || file.endsWith('.py') ? analysePython(file, text) : analyseSource(typescript, file, text));
    if (index % 200 === 0) context.onProgress?.({ percentage: Math.round((index / files.length) * 80), message: `analysed ${index} of ${files.length} files` });
  }
  return metrics;
}

function outputsOf(report: ReviewReport, fileCount: number): Record<string, unknown> {
  const { scores } = report;
  const functions = report.files.flatMap((file) => file.functions);
  const complexities = functions.map((fn) => fn.complexity);
  return {
    score: scores.overall,
    overall_score: scores.overall,
    complexity_score: scores.complexity,
    maintainability_score: scores.maintainability,
    size_score: scores.size,
    lint_score: scores.lint,
    scores,
    passed: report.passed,
    min_score: report.min_score,
    files: fileCount,
    functions: functions.length,
    max_complexity: complexities.reduce((max, value) => Math.max(max, value), 0),
    average_complexity: complexities.length === 0 ? 0 : Math.round((complexities.reduce((total, value) => total + value, 0) / complexities.length) * 10) / 10,
    lint_errors: report.lint.ran ? report.lint.errors : null,
    lint_warnings: report.lint.ran ? report.lint.warnings : null,
    findings: report.findings.length,
  };
}

function sum(files: readonly { errors: number; warnings: number }[], key: 'errors' | 'warnings'): number {
  return files.reduce((total, file) => total + file[key], 0);
}

function failed(code: StepErrorCode, message: string): SkillResult {
  return { status: 'failed', outputs: {}, artifacts: [], error: stepError(code, message, false) };
}
