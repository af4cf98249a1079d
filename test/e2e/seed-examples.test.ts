// The seed's three example workflows, run as a user would: `tapps-agents init`, an engine pointed at an
// OpenAI-compatible endpoint (a scripted server on 127.0.0.1), `workflow execute`, then the monitoring commands.

import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../engines/fake-openai-server.js';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const KEY = 'sk-test-0123456789abcdef';

async function seedProject(server: FakeOpenAiServer, example: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await testdir({ '.git/HEAD': 'ref: refs/heads/main\n', ...files });
  expect((await runCli(['init'], { cwd: dir })).exitCode).toBe(0);
  const config = await readFile(path.join(dir, '.tapps-agents/config.yaml'), 'utf8');
  const engines = `\nengines:\n  local:\n    provider: openai-compatible\n    base_url: ${server.baseUrl}\n    model: test-model\n    api_key_env: TEST_LLM_KEY\n`;
  await writeFile(path.join(dir, '.tapps-agents/config.yaml'), config.replace('default_engine: auto', 'default_engine: local') + engines);
  await copyFile(path.join(EXAMPLES, example), path.join(dir, example));
  return dir;
}

const env = { TEST_LLM_KEY: KEY };

describe("the seed's example workflows, end to end", () => {
  it('Example 1 (my-workflow): both model steps write their artifacts through the background agent', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Requirements\n\n- a todo list' }, { text: '# Design\n\nOne module.' });
    const dir = await seedProject(server, 'my-workflow.yaml');
    expect((await runCli(['auto-execution', 'debug', 'on'], { cwd: dir })).exitCode).toBe(0);
    const result = await runCli(['workflow', 'execute', '--workflow', 'my-workflow.yaml'], { cwd: dir, env });
    expect(result.stderr).toContain('Auto-execution: no background agent is running, so one runs inside this process for this run');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Run my-workflow-\S+ succeeded in .+: 2 succeeded/);
    expect(await readFile(path.join(dir, 'requirements.md'), 'utf8')).toContain('- a todo list');
    expect(await readFile(path.join(dir, 'design.md'), 'utf8')).toContain('One module.');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.authorization).toBe(`Bearer ${KEY}`);

    const metrics = JSON.parse((await runCli(['auto-execution', 'metrics', '--json'], { cwd: dir })).stdout) as { total_executions: number; success_rate: number };
    expect(metrics).toMatchObject({ total_executions: 2, success_rate: 1 });
    const health = await runCli(['auto-execution', 'health'], { cwd: dir });
    expect(health.exitCode).toBe(0);
    // Debug mode on: the executor's verbose log shows each step's events, and never the API key.
    const log = await readFile(path.join(dir, '.tapps-agents/logs/executor.log'), 'utf8');
    expect(log).toContain('"msg":"execution.completed"');
    expect(log).toContain('"step_id":"design-system"');
    expect(log).not.toContain(KEY);
  });

  it('Example 2 (robust-workflow): the review failure is recorded and the run goes on to generate tests', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: 'def test_main():\n    assert True\n' });
    // No src/main.py: the review step fails, and on_error: continue lets the test step run.
    const dir = await seedProject(server, 'robust-workflow.yaml');
    const result = await runCli(['workflow', 'execute', '--workflow', 'robust-workflow.yaml'], { cwd: dir, env });
    expect(result.stdout).toContain('step analyze-code: failed (attempt 1) (on_error: continue): Nothing to review: src/main.py does not exist in');
    expect(result.stdout).toMatch(/Run robust-workflow-\S+ succeeded in .+: 1 failed, 1 succeeded/);
    expect(result.exitCode).toBe(0);
    expect(await readFile(path.join(dir, 'tests/test_main.py'), 'utf8')).toContain('def test_main');
    const history = JSON.parse((await runCli(['auto-execution', 'history', '--json'], { cwd: dir })).stdout) as { executions: { step_id: string; status: string }[] };
    expect(history.executions.map((record) => [record.step_id, record.status]).sort()).toEqual([
      ['analyze-code', 'failed'],
      ['generate-tests', 'success'],
    ]);
  });

  it('Example 2 with src/main.py present: the reviewer reviews it (an input, not an output) and both steps succeed', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: 'def test_main():\n    assert True\n' });
    const dir = await seedProject(server, 'robust-workflow.yaml', { 'src/main.py': 'def main(x):\n    if x:\n        return 1\n    return 0\n' });
    const result = await runCli(['workflow', 'execute', '--workflow', 'robust-workflow.yaml'], { cwd: dir, env });
    expect(result.stdout).toMatch(/Run robust-workflow-\S+ succeeded in .+: 2 succeeded/);
    expect(await readFile(path.join(dir, 'src/main.py'), 'utf8')).toBe('def main(x):\n    if x:\n        return 1\n    return 0\n');
  });

  it('Example 3 (conditional-workflow): the build runs only when prerequisites are met', async () => {
    const met = await startFakeOpenAiServer();
    met.script({ text: 'print("app")\n' });
    const ready = await seedProject(met, 'conditional-workflow.yaml', { 'prerequisites.md': '# Prerequisites\n- command: node\n' });
    const ran = await runCli(['workflow', 'execute', '--workflow', 'conditional-workflow.yaml'], { cwd: ready, env });
    expect(ran.exitCode).toBe(0);
    expect(await readFile(path.join(ready, 'src/app.py'), 'utf8')).toContain('print("app")');

    const unmet = await startFakeOpenAiServer();
    const notReady = await seedProject(unmet, 'conditional-workflow.yaml');
    const skipped = await runCli(['workflow', 'execute', '--workflow', 'conditional-workflow.yaml'], { cwd: notReady, env });
    expect(skipped.stdout).toMatch(/skipped/);
    expect(unmet.requests).toHaveLength(0);
  });
});
