import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeSkill } from '../../src/agents/execute-skill.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../engines/fake-openai-server.js';
import { skillContext } from './skill-context.js';

const KEY = 'sk-test-secret-0123456789';

function projectConfig(server: FakeOpenAiServer, extra = ''): Record<string, string> {
  return {
    '.tapps-agents/config.yaml': `agents:\n  default_engine: local\n${extra}engines:\n  local:\n    provider: openai-compatible\n    base_url: ${server.baseUrl}\n    model: test-model\n    api_key_env: TEST_LLM_KEY\n`,
  };
}

async function modelContext(server: FakeOpenAiServer, files: Record<string, string> = {}, extraConfig = '') {
  const context = await skillContext({ ...projectConfig(server, extraConfig), ...files });
  context.env = { ...context.env, TEST_LLM_KEY: KEY };
  return context;
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('model-backed actions through an OpenAI-compatible endpoint', () => {
  it('analyst gather-requirements writes the answer to target_file and reports usage', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Requirements\n\n1. Users can add todos.', inputTokens: 120, outputTokens: 30 });
    const context = await modelContext(server);
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { target_file: 'requirements.md', description: 'A todo app with auth' } }, context);
    expect(result).toMatchObject({
      status: 'success',
      artifacts: ['requirements.md'],
      outputs: { engine: 'local', model: 'test-model', target_file: 'requirements.md', prompt_version: '2' },
      usage: { engine: 'local', model: 'test-model', input_tokens: 120, output_tokens: 30 },
      output: 'analyst gather-requirements: wrote requirements.md with local',
    });
    expect(await readFile(path.join(context.stepDir, 'requirements.md'), 'utf8')).toBe('# Requirements\n\n1. Users can add todos.\n');
    const request = server.requests[0];
    expect(request?.body.model).toBe('test-model');
    expect(request?.authorization).toBe(`Bearer ${KEY}`);
    const [system, user] = request?.body.messages ?? [];
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('You are analyst');
    expect(user?.content).toContain('Description: A todo app with auth');
    expect(user?.content).toContain('Reply with the complete content of "requirements.md" and nothing else');
    // The key only travels in the Authorization header: no file in the project holds it.
    for (const file of await allFiles(context.projectRoot)) expect(await readFile(file, 'utf8')).not.toContain(KEY);
  });

  it('architect design-system gets the requirements artifact of an earlier step in its prompt', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Architecture\n\nA web app.' });
    const context = await modelContext(server, { 'earlier/requirements.md': 'R1: users log in with passkeys' });
    context.inputs = { 'requirements.md': path.join(context.projectRoot, 'earlier/requirements.md') };
    const result = await executeSkill({ agent: 'architect', action: 'design_system', params: { target_file: 'design.md' } }, context);
    expect(result.status).toBe('success');
    expect(server.requests[0]?.body.messages[1]?.content).toContain('### earlier/requirements.md (required artifact "requirements.md")\n```md\nR1: users log in with passkeys\n```');
    expect(await readFile(path.join(context.stepDir, 'design.md'), 'utf8')).toBe('# Architecture\n\nA web app.\n');
  });

  it('tester generate-tests shows the file under test and writes the test file', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '```python\ndef test_main():\n    assert True\n```' });
    const context = await modelContext(server, { 'src/main.py': 'def main():\n    return 1\n' });
    const result = await executeSkill({ agent: 'tester', action: 'generate-tests', params: { target_file: 'tests/test_main.py', file: 'src/main.py' } }, context);
    expect(result).toMatchObject({ status: 'success', artifacts: ['tests/test_main.py'] });
    expect(server.requests[0]?.body.messages[1]?.content).toContain('Write automated tests for src/main.py: normal cases');
    expect(server.requests[0]?.body.messages[1]?.content).toContain('### src/main.py (params.file)\n```py\ndef main():\n    return 1\n\n```');
    // A whole-answer code fence is unwrapped for code files.
    expect(await readFile(path.join(context.stepDir, 'tests/test_main.py'), 'utf8')).toBe('def test_main():\n    assert True\n');
  });

  it('implementer implement-feature (an alias of implement) writes the code file', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: 'print("app")' });
    const context = await modelContext(server);
    const result = await executeSkill({ agent: 'implementer', action: 'implement-feature', params: { target_file: 'src/app.py', specification: 'print app' } }, context);
    expect(result).toMatchObject({ status: 'success', artifacts: ['src/app.py'] });
    expect(await readFile(path.join(context.stepDir, 'src/app.py'), 'utf8')).toBe('print("app")\n');
  });

  it('reports a provider error as retryable when the provider says so, and succeeds on the next attempt', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ status: 503, error: 'overloaded' }, { text: '# Requirements' });
    const context = await modelContext(server);
    const invocation = { agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } };
    const first = await executeSkill(invocation, context);
    expect(first).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_ERROR', retryable: true }, usage: { engine: 'local' } });
    expect(first.error?.message).toBe('Engine "local" failed (HTTP 503): overloaded');
    expect(server.requests).toHaveLength(1); // the SDK's own retries are off: the workflow's retry policy decides
    const second = await executeSkill(invocation, { ...context, correlation: { ...context.correlation, attempt: 2 } });
    expect(second).toMatchObject({ status: 'success', artifacts: ['requirements.md'] });
  });

  it('reports a client error (HTTP 400) as not retryable', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ status: 400, error: 'model not found' });
    const result = await executeSkill({ agent: 'enhancer', action: 'enhance_prompt', params: { prompt: 'todo app' } }, await modelContext(server));
    expect(result.error).toEqual({ code: 'PROVIDER_ERROR', message: 'Engine "local" failed (HTTP 400): model not found', retryable: false });
  });

  it('times out a slow provider at the step timeout as a retryable failure', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: 'late', delayMs: 5_000 });
    const context = await modelContext(server);
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } }, { ...context, timeoutMs: 300 });
    expect(result.error).toEqual({ code: 'TIMEOUT', message: 'The call to engine "local" did not finish within 300ms; no answer came', retryable: true });
  });

  it('stops when the step is cancelled', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: 'late', delayMs: 5_000 });
    const context = await modelContext(server);
    const controller = new AbortController();
    const pending = executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } }, { ...context, signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    expect((await pending).error).toEqual({ code: 'CANCELLED', message: 'The call to engine "local" was cancelled', retryable: false });
  });

  it('fails before calling anything when the API key variable is not set', async () => {
    const server = await startFakeOpenAiServer();
    const context = await modelContext(server);
    context.env = { PATH: context.env.PATH };
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } }, context);
    expect(result.error).toEqual({
      code: 'NO_ENGINE',
      message: 'engine "local" (from agents.default_engine in .tapps-agents/config.yaml) cannot run: the environment variable TEST_LLM_KEY (its API key) is not set',
      retryable: false,
    });
    expect(server.requests).toHaveLength(0);
  });

  it('uses a project prompt override from .tapps-agents/prompts', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: 'ok' });
    const context = await modelContext(server);
    await mkdir(path.join(context.projectRoot, '.tapps-agents/prompts/analyst'), { recursive: true });
    await writeFile(path.join(context.projectRoot, '.tapps-agents/prompts/analyst/gather-requirements.md'), '<!-- mine v7 -->\nOur house style for {{param.description}}. {{output_instructions}}');
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a CLI' } }, context);
    expect(result.outputs.prompt_version).toBe('7');
    expect(server.requests[0]?.body.messages[1]?.content).toBe('Our house style for a CLI. Reply with the complete content of "requirements.md" and nothing else: no preamble, no closing remarks.');
  });

  it('rejects a target path that leaves the step directory', async () => {
    const server = await startFakeOpenAiServer();
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { target_file: '../../escape.md' } }, await modelContext(server));
    expect(result.error).toEqual({
      code: 'INVALID_PARAMS',
      message: 'Invalid parameters for analyst gather-requirements: --target-file: must stay inside the step directory (no ".."), got "../../escape.md"',
      retryable: false,
    });
  });

  it('uses the agent\'s engine and model from config over the default engine', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: 'ok' });
    const context = await modelContext(server, {}, '  debugger:\n    engine: local\n    model: big-model\n');
    const result = await executeSkill({ agent: 'debugger', action: 'analyze-error', params: { error_message: 'boom' } }, context);
    expect(result.usage).toMatchObject({ engine: 'local', model: 'big-model' });
    expect(server.requests[0]?.body.model).toBe('big-model');
  });

  it('runs through the Anthropic provider too', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Stories', inputTokens: 80, outputTokens: 12 });
    const context = await skillContext({
      '.tapps-agents/config.yaml': `agents:\n  default_engine: claude-api\nengines:\n  claude-api:\n    provider: anthropic\n    base_url: ${server.baseUrl}\n    model: claude-test\n    api_key_env: TEST_ANTHROPIC_KEY\n`,
    });
    context.env = { ...context.env, TEST_ANTHROPIC_KEY: KEY };
    const result = await executeSkill({ agent: 'planner', action: 'plan', params: { description: 'todo app' } }, context);
    expect(result).toMatchObject({ status: 'success', artifacts: ['stories.md'], usage: { engine: 'claude-api', model: 'claude-test', input_tokens: 80, output_tokens: 12 } });
    expect(server.requests[0]).toMatchObject({ path: '/v1/messages', apiKeyHeader: KEY, body: { model: 'claude-test' } });
    expect(await readFile(path.join(context.stepDir, 'stories.md'), 'utf8')).toBe('# Stories\n');
  });
});
