// Shared setup of the real-CLI engine tests: the pinned CLI from node_modules/.bin, a temp git project whose workflow
// runs one model step on that engine, and readers for what the run left (debug log, metrics, step records).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_MESSAGE, startScriptedModelServer, type Behaviour, type ScriptedModelServer } from './scripted-model-server.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'node_modules/.bin');

/** The pinned version of a devDependency (package.json), and why its test must skip when it is not installed. */
export function pinnedCli(pkg: string, executable: string): { version: string; skip: string | undefined } {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = manifest.devDependencies[pkg] ?? '(not pinned)';
  const installed = path.join(ROOT, 'node_modules', pkg, 'package.json');
  if (!existsSync(installed) || !existsSync(path.join(BIN, executable))) return { version, skip: `${pkg}@${version} is not installed (run npm ci)` };
  const actual = (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version;
  return { version, skip: actual === version ? undefined : `${pkg} ${actual} is installed, the tests pin ${version} (run npm ci)` };
}

/** `<cli> --version`, for the test names. */
export function cliVersion(executable: string): string {
  return execFileSync(path.join(BIN, executable), ['--version'], { encoding: 'utf8', timeout: 60_000 }).trim();
}

export interface StepOptions {
  engine: string;
  /** Extra `engines:` entry text (indented under `engines:`), if the engine needs one. */
  engines?: string;
  timeout?: string;
  maxAttempts?: number;
}

/** A git project whose workflow `cli.yaml` runs analyst gather-requirements → docs/requirements.md on one engine. */
export async function cliProject(options: StepOptions): Promise<string> {
  const dir = await testdir({
    '.tapps-agents/config.yaml': `agents:\n  default_engine: ${options.engine}\n${options.engines === undefined ? '' : `engines:\n${options.engines}`}`,
    'cli.yaml': [
      'id: cli',
      'name: Real CLI',
      'steps:',
      '  - id: gather',
      '    agent: analyst',
      '    action: gather-requirements',
      `    timeout: ${options.timeout ?? '240s'}`,
      '    retry:',
      `      max_attempts: ${options.maxAttempts ?? 2}`,
      '      initial_delay_seconds: 0.1',
      '    params:',
      '      target_file: docs/requirements.md',
      '      description: a todo app with due dates',
      '',
    ].join('\n'),
  });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: dir });
  expect((await runCli(['auto-execution', 'debug', 'on'], { cwd: dir })).exitCode).toBe(0);
  return dir;
}

/** Runs the workflow with the pinned CLIs first on PATH. */
export function executeWorkflow(dir: string, env: Record<string, string>): Promise<CliResult> {
  return runCli(['workflow', 'execute', '--workflow', 'cli.yaml'], { cwd: dir, env: { PATH: `${BIN}:${process.env.PATH ?? ''}`, ...env }, timeoutMs: 600_000 });
}

/** The argv of each engine command in the executor's debug log. */
export async function loggedCommands(dir: string): Promise<{ command: string; args: string[] }[]> {
  const log = await readFile(path.join(dir, '.tapps-agents/logs/executor.log'), 'utf8');
  return log
    .split('\n')
    .filter((line) => line.includes('"msg":"engine command"'))
    .map((line) => JSON.parse(line) as { command: string; args: string[] });
}

/** `auto-execution metrics --json` usage totals. */
export async function metricsUsage(dir: string): Promise<Record<string, number>> {
  const metrics = JSON.parse((await runCli(['auto-execution', 'metrics', '--json'], { cwd: dir })).stdout) as { usage: Record<string, number> };
  return metrics.usage;
}

/** `auto-execution history --json` records (newest first). */
export async function history(dir: string): Promise<{ status: string; error_message: string | null; usage: Record<string, unknown> | null }[]> {
  const result = await runCli(['auto-execution', 'history', '--json'], { cwd: dir });
  return (JSON.parse(result.stdout) as { executions: { status: string; error_message: string | null; usage: Record<string, unknown> | null }[] }).executions;
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** How one real CLI is set up and what its runs must show. */
export interface RealCliSpec {
  pkg: string;
  executable: string;
  /** `agents.default_engine` of the project. */
  engine: string;
  /** An `engines:` entry (indented), e.g. to pin a model. */
  engines?: string;
  /** The environment (and config files in `home`, a temp dir) that point the CLI at the scripted server. */
  environment(input: { origin: string; key: string; dir: string; home: string }): Promise<Record<string, string>>;
  /** The argv the engine must pass, with PROMPT where the prompt goes. */
  argv: string[];
  /** What the server answered with first ("tool:<name>"). */
  tool: string;
  /** Tokens the two model calls report (the scripted server's fixed figures) and whether the CLI reports a cost. */
  usage: { input_tokens: number; output_tokens: number; cost: boolean };
  /** The step error after a 401 (PORT is the server's port) and after a 500 (`host` is the server's 127.0.0.1:<port>). */
  errors: { unauthorised: string; failing: (host: string) => string };
}

const CONTENT = '# Requirements\n\n- a todo app with due dates\n';

/** The tests every real CLI passes: a file written through its own tool, then 401, 500 and a hang. */
export function describeRealCli(spec: RealCliSpec): void {
  const cli = pinnedCli(spec.pkg, spec.executable);
  let server: ScriptedModelServer;
  beforeAll(async () => {
    server = await startScriptedModelServer();
  });
  afterAll(async () => server?.close());

  async function setup(behaviour: (dir: string) => Behaviour, options: { timeout?: string; maxAttempts?: number } = {}) {
    const dir = await cliProject({ engine: spec.engine, ...(spec.engines === undefined ? {} : { engines: spec.engines }), ...options });
    const key = server.client(behaviour(dir));
    const home = await mkdtemp(path.join(tmpdir(), `tapps-${spec.executable}-home-`));
    return { dir, key, env: await spec.environment({ origin: server.origin, key, dir, home }) };
  }

  describe.skipIf(cli.skip !== undefined)(`the ${spec.engine} engine with ${spec.pkg} ${cli.version}${cli.skip === undefined ? '' : ` (skipped: ${cli.skip})`}`, () => {
    it('writes the target with its own tool; the argv, the artifact and the usage are recorded', async () => {
      const { dir, key, env } = await setup((dir) => ({ kind: 'write', workDir: dir, text: CONTENT }));
      const result = await executeWorkflow(dir, env);
      expect(result.stdout).toMatch(/Run cli-\S+ succeeded in .+: 1 succeeded/);
      expect(result.exitCode).toBe(0);
      expect(await readFile(path.join(dir, 'docs/requirements.md'), 'utf8')).toBe(CONTENT);
      const commands = await loggedCommands(dir);
      expect(commands).toHaveLength(1);
      const prompt = commands[0]?.args.find((arg) => arg.includes('Write the result to "docs/requirements.md" in the current directory')) ?? '';
      expect(commands[0]).toMatchObject({ command: spec.executable, args: spec.argv.map((arg) => (arg === 'PROMPT' ? prompt : arg)) });
      const answers = server.requestsOf(key).map((request) => request.answer);
      expect(answers).toContain(spec.tool);
      expect(answers.at(-1)).toBe('text');
      const [record] = await history(dir);
      expect(record).toMatchObject({ status: 'success', usage: { engine: spec.engine, input_tokens: spec.usage.input_tokens, output_tokens: spec.usage.output_tokens } });
      const usage = await metricsUsage(dir);
      expect(usage).toMatchObject({ executions_with_usage: 1, input_tokens: spec.usage.input_tokens, output_tokens: spec.usage.output_tokens });
      if (spec.usage.cost) expect(usage.cost_usd).toBeGreaterThan(0);
      expect(result.stdout).not.toContain(FINAL_MESSAGE);
    });

    it('fails at once, without a retry, when the server answers 401', async () => {
      const { dir, env } = await setup(() => ({ kind: 'error', status: 401, message: 'invalid api key' }));
      const result = await executeWorkflow(dir, env);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain(`step gather: failed (attempt 1): ${spec.errors.unauthorised.replace('PORT', new URL(server.origin).port)}\n`);
      expect(result.stdout).not.toContain('attempt 2');
    });

    it('retries when the server answers 500, then fails with its error', async () => {
      const { dir, env } = await setup(() => ({ kind: 'error', status: 500, message: 'the model is overloaded' }));
      const result = await executeWorkflow(dir, env);
      expect(result.exitCode).toBe(1);
      const failing = spec.errors.failing(new URL(server.origin).host);
      expect(result.stdout).toContain(`step gather: attempt 1 failed: ${failing}; retrying in`);
      expect(result.stdout).toContain(`step gather: failed (attempt 2): ${failing}\n`);
    });

    it('fails with a timeout when the server hangs past the step timeout', async () => {
      const { dir, env } = await setup(() => ({ kind: 'hang' }), { timeout: '10s', maxAttempts: 1 });
      const result = await executeWorkflow(dir, env);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain('step gather: failed (attempt 1): Step did not finish within 10s; its process group was killed\n');
      const [record] = await history(dir);
      expect(record).toMatchObject({ status: 'timeout', error_message: 'Step did not finish within 10s; its process group was killed' });
    });
  });
}
