import { describe, expect, it } from 'vitest';
import { cliArguments, isPermanentFailure, parseCliOutput } from './cli-invocations.js';

describe('cliArguments', () => {
  it.each([
    ['claude', ['-p', '--output-format', 'json', '--permission-mode', 'acceptEdits', '--model', 'm', 'PROMPT']],
    ['codex', ['exec', '--json', '--sandbox', 'workspace-write', '--skip-git-repo-check', '--model', 'm', 'PROMPT']],
    ['cursor-agent', ['-p', '--output-format', 'json', '--force', '--model', 'm', 'PROMPT']],
    ['aider', ['--message', 'PROMPT', '--yes-always', '--no-auto-commits', '--no-check-update', '--no-pretty', '--model', 'm', 'out.md']],
    ['gemini', ['-p', 'PROMPT', '--yolo', '--output-format', 'json', '--model', 'm']],
  ] as const)('%s', (provider, argv) => {
    expect(cliArguments(provider, 'PROMPT', 'm', ['out.md'])).toEqual(argv);
  });

  it('gives codex before 0.150 `--full-auto`, which later versions reject', () => {
    expect(cliArguments('codex', 'P', undefined, [], [0, 145, 0])).toEqual(['exec', '--json', '--full-auto', '--skip-git-repo-check', 'P']);
    expect(cliArguments('codex', 'P', undefined, [], [0, 150, 0])).toEqual(['exec', '--json', '--sandbox', 'workspace-write', '--skip-git-repo-check', 'P']);
  });
});

describe('parseCliOutput', () => {
  it('reads claude / cursor-agent result JSON with tokens and cost', () => {
    const stdout = JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: 'done', total_cost_usd: 0.5, usage: { input_tokens: 3, cache_creation_input_tokens: 4, cache_read_input_tokens: 5, output_tokens: 6 } });
    expect(parseCliOutput('claude', `${stdout}\n`)).toEqual({ text: 'done', usage: { input_tokens: 12, output_tokens: 6, cost_usd: 0.5 } });
    expect(parseCliOutput('cursor-agent', `noise\n${JSON.stringify({ type: 'result', result: 'hi' })}`)).toEqual({ text: 'hi', usage: {} });
  });

  it('reads codex JSON events', () => {
    const events = [
      { type: 'thread.started', thread_id: 't' },
      { type: 'item.completed', item: { id: 'i1', type: 'agent_message', text: 'first' } },
      { type: 'item.completed', item: { id: 'i2', type: 'command_execution', command: 'ls' } },
      { type: 'item.completed', item: { id: 'i3', type: 'agent_message', text: 'second' } },
      { type: 'turn.completed', usage: { input_tokens: 100, cached_input_tokens: 20, output_tokens: 9 } },
    ];
    expect(parseCliOutput('codex', events.map((event) => JSON.stringify(event)).join('\n'))).toEqual({ text: 'first\n\nsecond', usage: { input_tokens: 100, output_tokens: 9 } });
    expect(parseCliOutput('codex', JSON.stringify({ type: 'turn.failed', error: { message: 'quota' } })).failed).toBe('quota');
  });

  it("reads aider's token and cost lines", () => {
    const stdout = 'Applied edit to a.py\nTokens: 2.1k sent, 312 received. Cost: $0.0031 message, $0.0062 session.\nTokens: 900 sent, 88 received. Cost: $0.0010 message, $0.0072 session.\n';
    expect(parseCliOutput('aider', stdout).usage).toEqual({ input_tokens: 3000, output_tokens: 400, cost_usd: 0.0041 });
  });

  it('reads gemini JSON output with tokens per model, and takes text output (older versions) as the answer', () => {
    const tokens = { input: 240, prompt: 240, candidates: 50, total: 300, cached: 0, thoughts: 10, tool: 0 };
    const stdout = JSON.stringify({ session_id: 's', response: 'done', stats: { models: { 'gemini-2.5-flash': { api: { totalRequests: 2 }, tokens } } } }, null, 2);
    expect(parseCliOutput('gemini', `Loaded cached credentials.\n${stdout}\n`)).toEqual({ text: 'done', usage: { input_tokens: 240, output_tokens: 60, model: 'gemini-2.5-flash' } });
    expect(parseCliOutput('gemini', 'answer\n')).toEqual({ text: 'answer', usage: {} });
  });

  it("reads gemini's error from stderr with the API's status", () => {
    const error = { session_id: 's', error: { type: 'Error', message: JSON.stringify({ error: { code: 401, message: 'bad key', status: 'UNAUTHENTICATED' } }), code: 401 } };
    const stderr = `Error when talking to Gemini API _ApiError: {"error":{}}\n    at x (file:///a.js:1:1) {\n  status: 401\n}\n${JSON.stringify(error, null, 2)}\n`;
    expect(parseCliOutput('gemini', '', stderr)).toEqual({ text: '', usage: {}, failed: 'API error 401 UNAUTHENTICATED: bad key', httpStatus: 401 });
  });

  it("reads claude's API error status", () => {
    const stdout = JSON.stringify({ type: 'result', subtype: 'success', is_error: true, api_error_status: 401, result: 'Failed to authenticate. API Error: 401 bad key' });
    expect(parseCliOutput('claude', stdout)).toMatchObject({ failed: 'Failed to authenticate. API Error: 401 bad key', httpStatus: 401 });
  });
});

describe('isPermanentFailure', () => {
  it('is true for a refused key or request, by the status the CLI reports or by its wording', () => {
    expect(isPermanentFailure({ text: '', usage: {}, httpStatus: 401 }, '')).toBe(true);
    expect(isPermanentFailure({ text: '', usage: {}, httpStatus: 404 }, '')).toBe(true);
    expect(isPermanentFailure({ text: '', usage: {}, httpStatus: 500 }, 'Invalid API key')).toBe(false);
    expect(isPermanentFailure({ text: '', usage: {} }, 'ERROR: unexpected status 401 Unauthorized: invalid api key, url: http://127.0.0.1:1/v1/responses')).toBe(true);
    expect(isPermanentFailure({ text: '', usage: {} }, 'Invalid API key · Fix external API key')).toBe(true);
    expect(isPermanentFailure({ text: '', usage: {} }, 'stream disconnected before completion; 401 tokens used')).toBe(false);
    expect(isPermanentFailure({ text: '', usage: {} }, 'We’re currently experiencing high demand, which may cause temporary errors.')).toBe(false);
  });
});
