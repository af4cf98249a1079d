// The preset library as a user runs it: `workflow presets`, `presets show`, and every shipped preset run to the end
// with `workflow execute --preset` — model steps on a scripted model server (127.0.0.1), the reviewer, tester and
// orchestrator steps real, in a tiny project.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../engines/fake-openai-server.js';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

const PRESETS = ['brownfield-analysis', 'feature-implementation', 'full-sdlc', 'maintenance', 'quality', 'quick-fix', 'rapid-dev'];
const env = { TEST_LLM_KEY: 'sk-test-0123456789abcdef' };

// Plain code scores well with the reviewer; the same text is a fine answer for a Markdown target too.
const CLEAN = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
// Deeply branched code scores badly (cyclomatic complexity, maintainability): a gate on it fails.
const TANGLED = `export function grade(a: number, b: number, c: number, d: number): string {\n${Array.from({ length: 40 }, (_, i) => `  if (a > ${i} && b < ${i} || c === ${i} && d !== ${i}) { if (a + b > c) { return '${i}'; } else if (c - d < a) { return 'x${i}'; } }`).join('\n')}\n  return 'none';\n}\n`;

async function project(server: FakeOpenAiServer): Promise<string> {
  const dir = await testdir({
    '.git/HEAD': 'ref: refs/heads/main\n',
    'package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } }),
    'src/index.ts': CLEAN,
    'src/feature.ts': CLEAN,
    'test/index.test.mjs': "import { test } from 'node:test';\ntest('adds', () => {});\n",
  });
  expect((await runCli(['init'], { cwd: dir })).exitCode).toBe(0);
  const configFile = path.join(dir, '.tapps-agents/config.yaml');
  const config = await readFile(configFile, 'utf8');
  const engines = `\nengines:\n  local:\n    provider: openai-compatible\n    base_url: ${server.baseUrl}\n    model: test-model\n    api_key_env: TEST_LLM_KEY\n`;
  await writeFile(configFile, config.replace('default_engine: auto', 'default_engine: local') + engines);
  return dir;
}

describe('workflow presets', () => {
  it('lists every shipped preset with its description and params (text and --json)', async () => {
    const dir = await testdir();
    const text = await runCli(['workflow', 'presets'], { cwd: dir });
    expect(text.exitCode).toBe(0);
    for (const name of PRESETS) expect(text.stdout).toMatch(new RegExp(`^${name} +\\S`, 'm'));
    expect(text.stdout).toContain('quick-fix params: target=src/index.ts (the file to fix (relative to the project))');
    const json = JSON.parse((await runCli(['workflow', 'presets', '--json'], { cwd: dir })).stdout) as { presets: { name: string; description: string; params: { name: string }[] }[] };
    expect(json.presets.map((preset) => preset.name)).toEqual(PRESETS);
    for (const preset of json.presets) expect(preset.description).not.toBe('');
  });

  it('shows a preset as YAML a user can copy, edit and validate', async () => {
    const dir = await testdir();
    const shown = await runCli(['workflow', 'presets', 'show', 'quick-fix'], { cwd: dir });
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain('id: quick-fix\n');
    await writeFile(path.join(dir, 'my-fix.yaml'), shown.stdout);
    const valid = await runCli(['workflow', 'validate', 'my-fix.yaml'], { cwd: dir });
    expect(valid.stdout.trim()).toBe('my-fix.yaml: valid (3 steps: fix, review, test)');
  });

  it('names the closest preset for a typo, with exit 2', async () => {
    const dir = await testdir();
    for (const args of [['workflow', 'presets', 'show', 'quick-fx'], ['workflow', 'execute', '--preset', 'quick-fx']]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('No preset named "quick-fx": did you mean "quick-fix"? the presets are brownfield-analysis, feature-implementation, full-sdlc, maintenance, quality, quick-fix, rapid-dev');
    }
    const both = await runCli(['workflow', 'execute', '--preset', 'quick-fix', '--workflow', 'x.yaml'], { cwd: dir });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('Give --workflow FILE or --preset NAME, not both');
  });

  it.each(PRESETS)('%s validates as shipped and runs to the end', { timeout: 180_000 }, async (name) => {
    const server = await startFakeOpenAiServer();
    server.script(...Array.from({ length: 40 }, () => ({ text: CLEAN })));
    const dir = await project(server);
    const result = await runCli(['workflow', 'execute', '--preset', name, '--no-auto', '--json'], { cwd: dir, env, timeoutMs: 170_000 });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const finished = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; status?: string }).find((event) => event.type === 'run.finished');
    expect(finished?.status).toBe('succeeded');
  });

  it('quick-fix loops: a fix that scores below min_score is fixed again, and the second review passes the gate', { timeout: 180_000 }, async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: TANGLED }, ...Array.from({ length: 5 }, () => ({ text: CLEAN })));
    const dir = await project(server);
    const result = await runCli(['workflow', 'execute', '--preset', 'quick-fix', '--param', 'description=add returns NaN', '--no-auto', '--json'], { cwd: dir, env, timeoutMs: 170_000 });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; stepId?: string; status?: string; decision?: string; target?: string });
    const reviews = events.filter((event) => event.type === 'step.finished' && event.stepId === 'review');
    expect(reviews).toHaveLength(2);
    const fixes = server.requests.filter((request) => JSON.stringify(request.body.messages).includes('add returns NaN'));
    expect(fixes).toHaveLength(2);
    expect(await readFile(path.join(dir, 'src/index.ts'), 'utf8')).toBe(CLEAN);
  });

  it('quality through the file transport (auto-execution, embedded runner): aggregate-results merges the earlier steps\' reports', { timeout: 180_000 }, async () => {
    const server = await startFakeOpenAiServer();
    server.script(...Array.from({ length: 5 }, () => ({ text: CLEAN })));
    const dir = await project(server);
    const result = await runCli(['workflow', 'execute', '--preset', 'quality', '--param', 'target=src/index.ts', '--json'], { cwd: dir, env, timeoutMs: 170_000 });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const runId = (JSON.parse(result.stdout.split('\n')[0] as string) as { runId: string }).runId;
    const status = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as { steps: Record<string, { artifacts: string[]; step_dir: string }> };
    const step = status.steps.report;
    const artifact = step?.artifacts.find((file) => file.endsWith('quality-report.md'));
    expect(artifact).toBeDefined();
    const report = await readFile(path.resolve(dir, artifact as string), 'utf8');
    expect(report).toContain('## review (reviewer review-code)');
    expect(report).toContain('## test (tester run-tests)');
    expect(report).not.toContain("0 steps' reports merged");
  });
});
