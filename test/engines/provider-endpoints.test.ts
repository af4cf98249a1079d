// The built-in API engines honour the variables their providers' own tools read: a workflow step run by the built CLI
// with OPENAI_BASE_URL, ANTHROPIC_BASE_URL or OLLAMA_HOST pointing at the scripted model server reaches that server
// (nothing is configured in .tapps-agents/config.yaml but the engine's name), and a malformed value stops the run
// before it starts, naming the variable.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { FINAL_MESSAGE, startScriptedModelServer, type ScriptedModelServer } from './scripted-model-server.js';

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await startScriptedModelServer();
});
afterAll(async () => server.close());

function project(engine: string): Promise<string> {
  return testdir({
    '.tapps-agents/config.yaml': `agents:\n  default_engine: ${engine}\n`,
    'wf.yaml': 'id: wf\nsteps:\n  - step: Req\n    agent: analyst\n    action: gather-requirements\n    params:\n      description: a shop\n',
  });
}

describe('API engines pointed at a server by the standard variables', () => {
  it('openai sends chat/completions to OPENAI_BASE_URL with OPENAI_API_KEY', async () => {
    const dir = await project('openai');
    const key = server.client({ kind: 'write', workDir: dir, text: 'unused' });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env: { OPENAI_BASE_URL: `${server.origin}/openai/v1`, OPENAI_API_KEY: key } });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(server.requestsOf(key).map((request) => `${request.method} ${request.path} ${String(request.body.model)}`)).toEqual(['POST /openai/v1/chat/completions gpt-4o-mini']);
    expect(await readFile(path.join(dir, 'requirements.md'), 'utf8')).toBe(`${FINAL_MESSAGE}\n`);
  });

  it('anthropic sends messages to ANTHROPIC_BASE_URL (given as Claude Code takes it, without /v1)', async () => {
    const dir = await project('anthropic');
    const key = server.client({ kind: 'write', workDir: dir, text: 'unused' });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env: { ANTHROPIC_BASE_URL: server.origin, ANTHROPIC_API_KEY: key } });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(server.requestsOf(key).map((request) => `${request.method} ${request.path} ${String(request.body.model)}`)).toEqual(['POST /v1/messages claude-sonnet-4-5']);
    expect(await readFile(path.join(dir, 'requirements.md'), 'utf8')).toBe(`${FINAL_MESSAGE}\n`);
  });

  it('ollama sends chat/completions to OLLAMA_HOST given as host:port', async () => {
    const dir = await project('ollama');
    const before = server.requests.length;
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env: { OLLAMA_HOST: server.origin.replace('http://', '') } });
    // Ollama takes no key; the scripted server refuses a request without one, so the request is proven by its log.
    expect(server.requests.slice(before).map((request) => `${request.method} ${request.path} ${String(request.body.model)} ${request.answer}`)).toContain('POST /v1/chat/completions llama3.1 error 401');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('step req: failed (attempt 1): Engine "ollama" failed (HTTP 401): scripted server: unknown API key');
  });

  it('a malformed OLLAMA_HOST stops the run before it starts, naming the variable and the form', async () => {
    const dir = await project('ollama');
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env: { OLLAMA_HOST: 'http://gpu-box:port' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('engine "ollama" (from agents.default_engine in .tapps-agents/config.yaml) cannot run: OLLAMA_HOST="http://gpu-box:port" is not a host, host:port or http(s) URL such as 127.0.0.1:11434');
  });
});
