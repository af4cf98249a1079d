// The reviewer's report: everything measured (JSON) and a Markdown page a person reads first.

import path from 'node:path';
import type { FileMetrics, FunctionMetrics } from './code-metrics.js';
import type { LintFileResult, LintOutcome } from './eslint-run.js';
import type { ReviewScores } from './review-score.js';

/** The full result of a review. */
export interface ReviewReport {
  target: string;
  scores: ReviewScores;
  min_score: number;
  passed: boolean;
  files: FileMetrics[];
  lint: { ran: true; errors: number; warnings: number; files: LintFileResult[] } | { ran: false; reason: string };
  findings: string[];
  skipped: string[];
}

/** Findings a person should look at, worst first. */
export function findingsOf(files: readonly FileMetrics[], lint: LintOutcome, root: string, complexityThreshold: number): string[] {
  const functions = files.flatMap((file) => file.functions.map((fn) => ({ file: path.relative(root, file.file), fn })));
  const complex = functions.filter(({ fn }) => fn.complexity > complexityThreshold).sort((a, b) => b.fn.complexity - a.fn.complexity);
  const long = functions.filter(({ fn }) => fn.sloc > 60).sort((a, b) => b.fn.sloc - a.fn.sloc);
  const findings = [
    ...complex.map(({ file, fn }) => `${file}:${fn.line} ${fn.name}: cyclomatic complexity ${fn.complexity} (> ${complexityThreshold})`),
    ...long.map(({ file, fn }) => `${file}:${fn.line} ${fn.name}: ${fn.sloc} lines of code (> 60)`),
    ...files.flatMap((file) => (file.maintainability !== null && file.maintainability < 50 ? [`${path.relative(root, file.file)}: maintainability index ${file.maintainability} (< 50)`] : [])),
  ];
  if (lint.ran) {
    for (const file of lint.files) {
      for (const message of file.messages.filter((m) => m.severity === 'error')) findings.push(`${path.relative(root, file.file)}:${message.line} ${message.rule ?? 'eslint'}: ${message.message}`);
    }
  }
  return findings;
}

/** The Markdown page. */
export function reviewMarkdown(report: ReviewReport, root: string, title: string): string {
  const s = report.scores;
  const functions = report.files.flatMap((file) => file.functions.map((fn) => ({ file: path.relative(root, file.file), fn })));
  const worst = [...functions].sort((a, b) => b.fn.complexity - a.fn.complexity || a.fn.maintainability - b.fn.maintainability).slice(0, 15);
  const lines = [
    `# ${title}: ${s.overall} / 100 (${report.passed ? 'passed' : 'FAILED'}, minimum ${report.min_score})`,
    '',
    `Target: \`${report.target}\` — ${report.files.length} files, ${functions.length} functions, ${report.files.reduce((sum, f) => sum + f.sloc, 0)} lines of code.`,
    '',
    '| metric | score |',
    '|---|---|',
    `| complexity | ${s.complexity} |`,
    `| maintainability | ${s.maintainability} |`,
    `| size | ${s.size} |`,
    `| lint | ${s.lint ?? `n/a (${report.lint.ran ? '' : report.lint.reason})`} |`,
    `| **overall** | **${s.overall}** |`,
    '',
  ];
  if (report.lint.ran) lines.push(`ESLint (the project's own configuration): ${report.lint.errors} errors, ${report.lint.warnings} warnings.`, '');
  if (worst.length > 0) {
    lines.push('## Most complex functions', '', '| function | file:line | complexity | lines | maintainability |', '|---|---|---|---|---|');
    lines.push(...worst.map(({ file, fn }: { file: string; fn: FunctionMetrics }) => `| ${fn.name} | ${file}:${fn.line} | ${fn.complexity} | ${fn.sloc} | ${fn.maintainability} |`), '');
  }
  lines.push('## Findings', '', ...(report.findings.length === 0 ? ['None.'] : report.findings.slice(0, 50).map((finding) => `- ${finding}`)));
  if (report.findings.length > 50) lines.push(`- … and ${report.findings.length - 50} more (see the JSON report)`);
  if (report.skipped.length > 0) lines.push('', '## Not reviewed', '', ...report.skipped.map((file) => `- ${file}`));
  return `${lines.join('\n')}\n`;
}
