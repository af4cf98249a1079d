// tester `run-tests`: detects the project's test command (or takes one), runs it in its own process group under the
// step timeout, and reports pass/fail/skip counts as outputs and a JSON + Markdown report.

import { timeoutError } from '../../step-errors.js';
import { stripVTControlCharacters } from 'node:util';
import { z } from 'zod';
import { runProcess } from '../../exec/run-process.js';
import { redactSecrets, secretValuesFromEnv } from '../../redaction/redact.js';
import type { ActionDefinition } from '../action.js';
import { detectTestCommand } from '../builtin/detect-test-command.js';
import { parseTestOutput } from '../builtin/parse-test-output.js';
import { writeReports } from '../builtin/report-files.js';
import { projectDirOf } from '../builtin/work-dir.js';
import { relativePath } from '../model/project-path.js';

const paramsSchema = z.strictObject({
  command: z.array(z.string().min(1)).min(1).optional().describe('Test command as argv (no shell), e.g. ["npm", "run", "test:unit"]; detected when absent.'),
  test_path: z.string().optional().describe('Passed as an extra argument to the test command (the original\'s test_path).'),
  report_file: relativePath('Report base name (".json" and ".md" are written).').default('test-report'),
});

type Params = z.output<typeof paramsSchema>;

/** Output kept for the report (the summary is at the end). */
const TAIL_BYTES = 256 * 1024;

export const runTests: ActionDefinition<Params> = {
  agent: 'tester',
  name: 'run-tests',
  aliases: ['testing-run', 'test-run'],
  kind: 'builtin',
  description: "Run the project's tests (npm/pnpm/yarn test, pytest, go test, cargo test) and report pass/fail counts.",
  params: paramsSchema,
  artifacts: (params) => [`${params.report_file}.json`, `${params.report_file}.md`],
  async run(params, context) {
    const dir = projectDirOf(context);
    const detected = params.command === undefined ? detectTestCommand(dir, context.env) : { framework: 'custom', argv: params.command, reason: 'the step\'s --command' };
    if (detected === undefined) {
      return { status: 'failed', outputs: {}, artifacts: [], error: { code: 'NO_TEST_COMMAND', message: `No test command found in ${dir}: expected a package.json "test" script, pytest, go.mod or Cargo.toml; or give --command`, retryable: false } };
    }
    const [file, ...args] = [...detected.argv, ...(params.test_path === undefined ? [] : [params.test_path])];
    context.onProgress?.({ percentage: 5, message: `running ${detected.argv.join(' ')}` });
    const result = await runProcess({ file: file as string, args, cwd: dir, env: { ...context.env, CI: context.env.CI ?? 'true' }, timeoutMs: context.timeoutMs, signal: context.signal, maxOutputBytes: TAIL_BYTES });
    const counts = parseTestOutput(`${result.stdout}\n${result.stderr}`);
    const commandText = [file, ...args].join(' ');
    const outputs = {
      command: commandText,
      framework: detected.framework,
      exit_code: result.exitCode,
      passed: counts.passed ?? null,
      failed: counts.failed ?? null,
      skipped: counts.skipped ?? null,
      total: counts.passed === undefined ? null : (counts.passed ?? 0) + (counts.failed ?? 0) + (counts.skipped ?? 0),
      duration_ms: Math.round(result.durationMs),
      tests_passed: result.exitCode === 0,
    };
    // The report is for people: secrets the tests printed are redacted.
    const tail = redactSecrets(stripVTControlCharacters(`${result.stdout}\n${result.stderr}`).trim().split('\n').slice(-60).join('\n'), secretValuesFromEnv(context.env));
    const artifacts = await writeReports(context.stepDir, params.report_file, { ...outputs, reason: detected.reason, counts_format: counts.format ?? null, output_tail: tail }, markdownOf(outputs, detected.reason, tail));
    if (result.spawnError !== undefined) return { status: 'failed', outputs, artifacts, error: { code: 'SPAWN_FAILED', message: `Cannot run ${JSON.stringify(file)}: ${result.spawnError.code ?? result.spawnError.message}`, retryable: false } };
    if (result.timedOut) return { status: 'failed', outputs, artifacts, error: timeoutError(`Tests (${commandText})`, context.timeoutMs) };
    if (result.cancelled) return { status: 'failed', outputs, artifacts, error: { code: 'CANCELLED', message: 'Tests were cancelled', retryable: false } };
    const countsText = counts.passed === undefined ? '' : ` (${outputs.passed} passed, ${outputs.failed} failed, ${outputs.skipped} skipped)`;
    if (result.exitCode !== 0) {
      return { status: 'failed', outputs, artifacts, error: { code: 'TESTS_FAILED', message: `Tests failed${countsText}: ${commandText} exited with ${result.exitCode ?? result.signal ?? 'a signal'}`, retryable: false } };
    }
    return { status: 'success', outputs, artifacts, output: `tests passed${countsText}` };
  },
};

function markdownOf(outputs: { command: string; exit_code: number | null; passed: number | null; failed: number | null; skipped: number | null; duration_ms: number; tests_passed: boolean }, reason: string, tail: string): string {
  return [
    `# Tests: ${outputs.tests_passed ? 'passed' : 'FAILED'}`,
    '',
    `- command: \`${outputs.command}\` (${reason})`,
    `- exit code: ${outputs.exit_code ?? 'killed'}`,
    `- passed: ${outputs.passed ?? 'unknown'}, failed: ${outputs.failed ?? 'unknown'}, skipped: ${outputs.skipped ?? 'unknown'}`,
    `- duration: ${(outputs.duration_ms / 1000).toFixed(1)} s`,
    '',
    '## Last lines of output',
    '',
    '```',
    tail,
    '```',
  ].join('\n');
}
