// The seed's three example workflows, run as a user would: `tapps-agents init`, an engine pointed at an
// OpenAI-compatible endpoint (a scripted server on 127.0.0.1), `workflow execute`, then the monitoring commands.

import { copyFile, readFile, realpath, writeFile } from 'node:fs/promises';
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
  it('Example 1 (my-workflow): both model steps write their artifacts, and the design step is given requirements.md', async () => {
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
    // The first step's subject is the workflow itself (the seed gives no description); the second gets its output.
    expect(server.requests[0]?.body.messages[1]?.content).toContain('Description: the workflow "My Workflow"\n');
    const design = server.requests[1]?.body.messages[1]?.content;
    expect(design).toBe(
      [
        '## Task',
        '',
        'Subject: requirements.md',
        '',
        'Design the system architecture for the requirements (in the input artifacts and below): components and their responsibilities, data flow, interfaces between components, data storage, technology choices with reasons, how it meets the non-functional requirements, and the main risks. Include a Mermaid diagram. Requirements: (not given)',
        '',
        '## Parameters',
        '',
        '- target_file: design.md',
        '',
        'Additional context: (not given)',
        '',
        '## Workflow',
        '',
        'Workflow: My Workflow',
        'Run parameters: (none)',
        '',
        '## Inputs',
        '',
        '### requirements.md (written by step "gather-requirements")',
        '```md',
        '# Requirements',
        '',
        '- a todo list',
        '',
        '```',
        '',
        '## Output',
        '',
        'Reply with the complete content of "design.md" and nothing else: no preamble, no closing remarks.',
        '',
      ].join('\n'),
    );

    // A person sees exactly what the agent got: prompt.md in the step directory, shown by `workflow status --step`.
    const runId = /Run (my-workflow-\S+) succeeded/.exec(result.stdout)?.[1] ?? '';
    const promptFile = `.tapps-agents/workflow-state/${runId}/steps/design-system/prompt.md`;
    const saved = await readFile(path.join(dir, promptFile), 'utf8');
    expect(saved).toMatch(/^<!-- tapps-agents prompt of step design-system, attempt 1, engine local \(a system message and a user message\), \S+ -->\n# System\n\nYou are architect, /);
    expect(saved.endsWith(`\n# Prompt\n\n${String(design)}\n`)).toBe(true);
    expect(saved).toContain(`# System\n\n${String(server.requests[1]?.body.messages[0]?.content)}\n\n# Prompt`);
    const shown = await runCli(['workflow', 'status', runId, '--step', 'design-system'], { cwd: dir });
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toBe(
      [
        `Step design-system of run ${runId}: succeeded (attempt 1)`,
        'Action: architect design-system',
        `Step directory: .tapps-agents/workflow-state/${runId}/steps/design-system`,
        'Work directory: .',
        'Artifacts: design.md',
        '',
        `Prompt (${promptFile}):`,
        '',
        `${saved.trimEnd()}\n`,
      ].join('\n'),
    );
    const json = JSON.parse((await runCli(['workflow', 'status', runId, '--step', 'design-system', '--json'], { cwd: dir })).stdout) as { step_id: string; prompt: string; prompt_file: string; step: { status: string } };
    expect(json).toMatchObject({ step_id: 'design-system', prompt: saved, prompt_file: path.join(await realpath(dir), promptFile), step: { status: 'succeeded' } });
    const unknown = await runCli(['workflow', 'status', runId, '--step', 'nope'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain(`Run ${runId} has no step "nope"; its steps are: gather-requirements, design-system`);

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

  it('Example 2 (robust-workflow) without src/main.py: the review fails, and generate-tests fails before any prompt, having nothing to test', async () => {
    const server = await startFakeOpenAiServer();
    const dir = await seedProject(server, 'robust-workflow.yaml');
    const result = await runCli(['workflow', 'execute', '--workflow', 'robust-workflow.yaml'], { cwd: dir, env });
    expect(result.stdout).toContain('step analyze-code: failed (attempt 1) (on_error: continue): Nothing to review: src/main.py does not exist in');
    expect(result.stdout).toContain(
      'step generate-tests: failed (attempt 1): robust-workflow.yaml:14: tester generate-tests has no subject (the code under test): no params, run param or input file names it (the files of the steps it depends on, src/main.py, do not exist); no prompt was sent',
    );
    expect(result.stdout).toMatch(/Run robust-workflow-\S+ failed in .+: 2 failed/);
    expect(result.exitCode).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it('Example 2 with src/main.py and an existing tests/test_main.py: tests are written for src/main.py, and the old test file is kept', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: 'def test_main():\n    assert main(1) == 1\n' });
    const code = 'def main(x):\n    if x:\n        return 1\n    return 0\n';
    const dir = await seedProject(server, 'robust-workflow.yaml', { 'src/main.py': code, 'tests/test_main.py': '# my own tests\n' });
    const result = await runCli(['workflow', 'execute', '--workflow', 'robust-workflow.yaml'], { cwd: dir, env });
    expect(result.stdout).toMatch(/Run robust-workflow-\S+ succeeded in .+: 2 succeeded/);
    expect(result.exitCode).toBe(0);
    const runId = /Run (robust-workflow-\S+) succeeded/.exec(result.stdout)?.[1] ?? '';
    // The reviewed file is an input, never an output: it is unchanged.
    expect(await readFile(path.join(dir, 'src/main.py'), 'utf8')).toBe(code);
    const prompt = String(server.requests[0]?.body.messages[1]?.content);
    expect(prompt).toContain('Write automated tests for src/main.py: normal cases, edge cases and error cases');
    expect(prompt).toContain(`### src/main.py (read by step "analyze-code")\n\`\`\`py\n${code}\n\`\`\``);
    expect(prompt).toContain('### review-report.md (written by step "analyze-code")\n```md\n');
    expect(prompt).toContain('### review-report.json (written by step "analyze-code")\n```json\n');
    expect(await readFile(path.join(dir, 'tests/test_main.py'), 'utf8')).toBe('def test_main():\n    assert main(1) == 1\n');
    const previous = `.tapps-agents/workflow-state/${runId}/steps/generate-tests/previous/attempt-1/tests/test_main.py`;
    expect(await readFile(path.join(dir, previous), 'utf8')).toBe('# my own tests\n');
    expect(result.stdout).toContain(`step generate-tests: replaced tests/test_main.py (previous content kept in ${previous})`);
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
