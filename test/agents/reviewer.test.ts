import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeSkill } from '../../src/agents/execute-skill.js';
import { COMPLEXITY_PROJECT, KNOWN_COMPLEXITY, KNOWN_PYTHON_COMPLEXITY, PYTHON_PROJECT } from './builtin-fixtures.js';
import { skillContext } from './skill-context.js';

interface ReportJson {
  files: { file: string; functions: { name: string; complexity: number; sloc: number; maintainability: number }[] }[];
  lint: { ran: boolean; reason?: string; errors?: number };
  findings: string[];
  skipped: string[];
}

describe('reviewer review-code / score / lint (builtin, no model)', () => {
  it('measures each function of a TS project with known complexity', async () => {
    const context = await skillContext(COMPLEXITY_PROJECT);
    const result = await executeSkill({ agent: 'reviewer', action: 'review-code', params: {} }, context);
    expect(result.status).toBe('success');
    expect(result.artifacts).toEqual(['review-report.json', 'review-report.md']);
    const report = JSON.parse(await readFile(path.join(context.stepDir, 'review-report.json'), 'utf8')) as ReportJson;
    expect(report.files.map((file) => file.file)).toEqual(['src/metrics.ts']); // .d.ts and .md are not code to review
    expect(Object.fromEntries(report.files[0]?.functions.map((fn) => [fn.name, fn.complexity]) ?? [])).toEqual(KNOWN_COMPLEXITY);
    expect(report.lint).toEqual({ ran: false, reason: 'the project has no local ESLint (node_modules/.bin/eslint)' });
    expect(report.findings).toEqual(['src/metrics.ts:34 grade: cyclomatic complexity 12 (> 10)']);
    expect(result.outputs).toMatchObject({
      files: 1,
      functions: 7,
      max_complexity: 12,
      average_complexity: 4,
      // one function at 12 costs 10 points: (6 × 100 + 90) / 7
      complexity_score: 98.6,
      lint_score: null,
      lint_errors: null,
      passed: true,
      min_score: 70,
      findings: 1,
    });
    expect(result.outputs.score).toBe(result.outputs.overall_score);
    const markdown = await readFile(path.join(context.stepDir, 'review-report.md'), 'utf8');
    expect(markdown).toContain('| grade | src/metrics.ts:34 | 12 |');
  });

  it('gives exact, stable maintainability and size numbers', async () => {
    const context = await skillContext(COMPLEXITY_PROJECT);
    const result = await executeSkill({ agent: 'reviewer', action: 'score', params: { target_file: 'src/metrics.ts' } }, context);
    const report = JSON.parse(await readFile(path.join(context.stepDir, 'score-report.json'), 'utf8')) as ReportJson;
    expect(report.files[0]?.functions.map((fn) => [fn.name, fn.sloc, fn.maintainability])).toMatchInlineSnapshot(`
      [
        [
          "simple",
          3,
          76.8,
        ],
        [
          "branches",
          18,
          52.4,
        ],
        [
          "Store.add",
          3,
          75.4,
        ],
        [
          "Store.size",
          3,
          77.2,
        ],
        [
          "grade",
          14,
          53.9,
        ],
        [
          "arrow",
          1,
          85.5,
        ],
        [
          "<anonymous@49>",
          1,
          88.5,
        ],
      ]
    `);
    expect(result.outputs.scores).toMatchInlineSnapshot(`
      {
        "complexity": 98.6,
        "lint": null,
        "maintainability": 72.8,
        "overall": 88.6,
        "size": 100,
      }
    `);
  });

  it("runs the project's own ESLint and folds its result into the score", async () => {
    const context = await skillContext({ ...COMPLEXITY_PROJECT, 'eslint.config.js': 'export default [];\n' });
    const bin = path.join(context.projectRoot, 'node_modules/.bin');
    await mkdir(bin, { recursive: true });
    // A stand-in ESLint that reports one error and one warning for every file it is given.
    await writeFile(
      path.join(bin, 'eslint'),
      `#!/usr/bin/env node
const files = process.argv.slice(2).filter((arg) => !arg.startsWith('--') && arg !== 'json');
require('node:fs').writeFileSync('eslint-args.json', JSON.stringify(process.argv.slice(2)));
process.stdout.write(JSON.stringify(files.map((file) => ({ filePath: require('node:path').resolve(file), errorCount: 1, warningCount: 1, messages: [{ line: 2, ruleId: 'no-var', severity: 2, message: 'Unexpected var.' }, { line: 3, ruleId: 'eqeqeq', severity: 1, message: 'Expected ===.' }] }))));
process.exit(1);
`,
    );
    await chmod(path.join(bin, 'eslint'), 0o755);
    const result = await executeSkill({ agent: 'reviewer', action: 'review', params: {} }, context);
    expect(JSON.parse(await readFile(path.join(context.projectRoot, 'eslint-args.json'), 'utf8'))).toEqual(['--format', 'json', '--no-warn-ignored', 'src/metrics.ts']);
    expect(result.outputs).toMatchObject({ lint_score: 88, lint_errors: 1, lint_warnings: 1 });
    const report = JSON.parse(await readFile(path.join(context.stepDir, 'review-report.json'), 'utf8')) as ReportJson;
    expect(report.findings).toContain('src/metrics.ts:2 no-var: Unexpected var.');

    const lint = await executeSkill({ agent: 'reviewer', action: 'lint', params: {} }, context);
    expect(lint.outputs).toMatchObject({ score: 88, lint_score: 88, functions: 0 });
  });

  it('measures Python functions from a token scan (the seed reviews src/main.py)', async () => {
    const context = await skillContext(PYTHON_PROJECT);
    const result = await executeSkill({ agent: 'reviewer', action: 'review-code', params: { target_file: 'src/main.py' } }, context);
    expect(result.status).toBe('success');
    const report = JSON.parse(await readFile(path.join(context.stepDir, 'review-report.json'), 'utf8')) as ReportJson;
    expect(Object.fromEntries(report.files[0]?.functions.map((fn) => [fn.name, fn.complexity]) ?? [])).toEqual(KNOWN_PYTHON_COMPLEXITY);
    expect(report.files[0]?.functions.map((fn) => [fn.name, fn.sloc])).toEqual([
      ['simple', 2],
      ['branches', 13],
      ['Store.add', 2],
      ['Store.outer', 2],
      ['Store.outer.inner', 2],
    ]);
    expect(report.lint).toEqual({ ran: false, reason: 'no TS/JS files to lint' });
    expect(result.outputs).toMatchObject({ files: 1, functions: 5, max_complexity: 10, complexity_score: 100, lint_score: null });
  });

  it('fails clearly when the target is not a reviewable file or does not exist', async () => {
    const context = await skillContext({ 'src/main.rb': 'puts 1\n' });
    expect((await executeSkill({ agent: 'reviewer', action: 'review-code', params: { target_file: 'src/main.rb' } }, context)).error).toEqual({
      code: 'NOTHING_TO_REVIEW',
      message: 'Nothing to review: src/main.rb is not a file the builtin reviewer reads (.ts, .tsx, .js, .jsx, .mjs, .cjs, .py; use a model engine for other languages)',
      retryable: false,
    });
    expect((await executeSkill({ agent: 'reviewer', action: 'review-code', params: { target_file: 'src/missing.ts' } }, context)).error?.message).toBe(
      `Nothing to review: src/missing.ts does not exist in ${context.projectRoot}`,
    );
  });

  it('fails the step below min_score only when asked to', async () => {
    const context = await skillContext(COMPLEXITY_PROJECT);
    const result = await executeSkill({ agent: 'reviewer', action: 'review-code', params: { min_score: 99.9, fail_below_min: true } }, context);
    expect(result).toMatchObject({ status: 'failed', outputs: { passed: false }, error: { code: 'SCORE_BELOW_MINIMUM', retryable: false } });
  });
});
