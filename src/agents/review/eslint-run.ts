// Runs the reviewed project's own ESLint (its local binary and its config) with `--format json`, in its own process
// group under a timeout. A project without ESLint gets no lint result rather than ours.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../exec/run-process.js';

const CONFIG_FILES = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', '.eslintrc.js', '.eslintrc.cjs', '.eslintrc.json', '.eslintrc.yml', '.eslintrc.yaml', '.eslintrc'];

/** ESLint's verdict on one file. */
export interface LintFileResult {
  file: string;
  errors: number;
  warnings: number;
  messages: { line: number; rule: string | null; severity: 'error' | 'warning'; message: string }[];
}

export type LintOutcome = { ran: true; files: LintFileResult[] } | { ran: false; reason: string };

/** Lints `files` (absolute) with the project's ESLint, run from `projectDir`. */
export async function runProjectEslint(projectDir: string, files: readonly string[], options: { env: NodeJS.ProcessEnv; timeoutMs: number; signal: AbortSignal }): Promise<LintOutcome> {
  const binary = path.join(projectDir, 'node_modules', '.bin', 'eslint');
  if (!existsSync(binary)) return { ran: false, reason: 'the project has no local ESLint (node_modules/.bin/eslint)' };
  if (!CONFIG_FILES.some((name) => existsSync(path.join(projectDir, name)))) return { ran: false, reason: 'the project has no ESLint configuration' };
  const result = await runProcess({
    file: binary,
    args: ['--format', 'json', '--no-warn-ignored', ...files.map((file) => path.relative(projectDir, file))],
    cwd: projectDir,
    env: options.env,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    maxOutputBytes: 64 * 1024 * 1024,
  });
  if (result.timedOut) return { ran: false, reason: `ESLint did not finish within ${options.timeoutMs} ms` };
  if (result.spawnError !== undefined) return { ran: false, reason: `ESLint could not start (${result.spawnError.code ?? result.spawnError.message})` };
  // Exit 1 means "problems found"; 2 means ESLint itself failed (bad config, crash).
  if (result.exitCode !== 0 && result.exitCode !== 1) return { ran: false, reason: `ESLint failed (exit ${result.exitCode ?? result.signal ?? '?'}): ${firstLine(result.stderr || result.stdout)}` };
  try {
    const report = JSON.parse(result.stdout) as { filePath: string; errorCount: number; warningCount: number; messages: { line?: number; ruleId: string | null; severity: number; message: string }[] }[];
    return {
      ran: true,
      files: report.map((entry) => ({
        file: entry.filePath,
        errors: entry.errorCount,
        warnings: entry.warningCount,
        messages: entry.messages.map((message) => ({ line: message.line ?? 0, rule: message.ruleId, severity: message.severity === 2 ? 'error' : 'warning', message: message.message })),
      })),
    };
  } catch {
    return { ran: false, reason: `ESLint printed no JSON report: ${firstLine(result.stdout || result.stderr)}` };
  }
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 200);
}
