// ops `audit-deps` (alias `audit`): `npm audit --json` when the project has an npm lockfile, under a timeout. When the
// registry cannot be reached the step succeeds with a clear "skipped: registry unreachable" outcome instead of hanging.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { runProcess } from '../../exec/run-process.js';
import type { ActionDefinition } from '../action.js';
import { writeReports } from '../builtin/report-files.js';
import { projectDirOf } from '../builtin/work-dir.js';
import { relativePath } from '../model/project-path.js';

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];

const paramsSchema = z.strictObject({
  fail_on: z.enum([...SEVERITIES, 'none']).default('high').describe('Fail when a vulnerability of this severity or worse is found ("none": never).'),
  timeout: z.number().positive().max(3600).default(60).describe('Seconds to wait for the registry.'),
  report_file: relativePath('Report base name (".json" and ".md" are written).').default('audit-report'),
});

type Params = z.output<typeof paramsSchema>;

/** Network error codes npm reports when the registry cannot be reached. */
const OFFLINE_CODES = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENOTCONN|ERR_SOCKET_TIMEOUT|ECONNABORTED|E503|E502/;

export const auditDeps: ActionDefinition<Params> = {
  agent: 'ops',
  name: 'audit-deps',
  aliases: ['audit', 'audit-dependencies'],
  kind: 'builtin',
  description: 'Audit npm dependencies for known vulnerabilities (npm audit --json); skipped clearly when offline.',
  params: paramsSchema,
  artifacts: (params) => [`${params.report_file}.json`, `${params.report_file}.md`],
  async run(params, context) {
    const dir = projectDirOf(context);
    const lockfile = ['package-lock.json', 'npm-shrinkwrap.json'].find((name) => existsSync(path.join(dir, name)));
    if (lockfile === undefined) return skipped(params, context.stepDir, `no package-lock.json in ${dir} (npm audit needs one)`);
    const timeoutMs = Math.min(context.timeoutMs, params.timeout * 1000);
    const result = await runProcess({ file: 'npm', args: ['audit', '--json'], cwd: dir, env: context.env, timeoutMs, signal: context.signal, maxOutputBytes: 32 * 1024 * 1024 });
    if (result.spawnError !== undefined) return skipped(params, context.stepDir, `npm is not available (${result.spawnError.code ?? result.spawnError.message})`);
    if (result.cancelled) return { status: 'failed', outputs: {}, artifacts: [], error: { code: 'CANCELLED', message: 'npm audit was cancelled', retryable: false } };
    if (result.timedOut) return skipped(params, context.stepDir, `registry unreachable (npm audit did not answer within ${timeoutMs} ms)`);
    const report = parseJson(result.stdout);
    const errorInfo = report?.error as { code?: string; summary?: string } | undefined;
    if (errorInfo !== undefined || report === undefined) {
      const reason = firstLine(errorInfo?.summary || (typeof report?.message === 'string' ? report.message : '') || errorInfo?.code || meaningfulStderr(result.stderr));
      if (OFFLINE_CODES.test(`${errorInfo?.code ?? ''} ${reason} ${result.stderr}`)) return skipped(params, context.stepDir, `registry unreachable (${reason})`);
      // Mirrors and proxies often serve packages but not the audit endpoint.
      if (report?.statusCode === 404 || report?.statusCode === 405 || report?.statusCode === 501) return skipped(params, context.stepDir, `the registry offers no audit endpoint (${reason})`);
      return { status: 'failed', outputs: { exit_code: result.exitCode }, artifacts: [], error: { code: 'AUDIT_FAILED', message: `npm audit failed: ${reason}`, retryable: true } };
    }
    const counts = countsOf(report);
    const worst = [...SEVERITIES].reverse().find((severity) => counts[severity] > 0);
    const passed = params.fail_on === 'none' || worst === undefined || SEVERITIES.indexOf(worst) < SEVERITIES.indexOf(params.fail_on);
    const total = SEVERITIES.reduce((sum, severity) => sum + counts[severity], 0);
    const packages = Object.keys((report.vulnerabilities ?? {}));
    const artifacts = await writeReports(context.stepDir, params.report_file, { audited: true, lockfile, vulnerabilities: counts, total, packages, passed }, markdownOf(counts, packages, passed, params.fail_on));
    const outputs = { audited: true, skipped: false, vulnerabilities: counts, total, passed, ...counts };
    if (!passed) {
      return { status: 'failed', outputs, artifacts, error: { code: 'VULNERABILITIES_FOUND', message: `npm audit found ${total} vulnerabilities (worst: ${worst ?? 'none'}; fail_on: ${params.fail_on}): ${packages.slice(0, 10).join(', ')}`, retryable: false } };
    }
    return { status: 'success', outputs, artifacts, output: total === 0 ? 'no known vulnerabilities' : `${total} vulnerabilities below "${params.fail_on}"` };
  },
};

async function skipped(params: Params, stepDir: string, reason: string) {
  const artifacts = await writeReports(stepDir, params.report_file, { audited: false, skipped: reason }, `# Dependency audit\n\nskipped: ${reason}\n`);
  return { status: 'success' as const, outputs: { audited: false, skipped: true, skip_reason: reason, passed: true }, artifacts, output: `skipped: ${reason}` };
}

function countsOf(report: Record<string, unknown>): Record<Severity, number> {
  const found = ((report.metadata as Record<string, unknown> | undefined)?.vulnerabilities ?? {}) as Record<string, unknown>;
  return Object.fromEntries(SEVERITIES.map((severity) => [severity, typeof found[severity] === 'number' ? found[severity] : 0])) as Record<Severity, number>;
}

function markdownOf(counts: Record<Severity, number>, packages: string[], passed: boolean, failOn: string): string {
  return [
    `# Dependency audit: ${passed ? 'passed' : 'FAILED'} (fail_on: ${failOn})`,
    '',
    ...SEVERITIES.map((severity) => `- ${severity}: ${counts[severity]}`),
    '',
    ...(packages.length > 0 ? ['## Affected packages', '', ...packages.map((name) => `- ${name}`)] : []),
  ].join('\n');
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** stderr without npm's warnings about unrelated config. */
function meaningfulStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .join('\n');
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 200);
}
