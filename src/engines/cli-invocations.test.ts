import { describe, expect, it } from 'vitest';
import { cliArguments, parseCliOutput } from './cli-invocations.js';

describe('cliArguments', () => {
  it.each([
    ['claude', ['-p', '--output-format', 'json', '--permission-mode', 'acceptEdits', '--model', 'm', 'PROMPT']],
    ['codex', ['exec', '--json', '--full-auto', '--skip-git-repo-check', '--model', 'm', 'PROMPT']],
    ['cursor-agent', ['-p', '--output-format', 'json', '--force', '--model', 'm', 'PROMPT']],
    ['aider', ['--message', 'PROMPT', '--yes-always', '--no-auto-commits', '--no-check-update', '--no-pretty', '--model', 'm', 'out.md']],
    ['gemini', ['-p', 'PROMPT', '--yolo', '--model', 'm']],
  ] as const)('%s', (provider, argv) => {
    expect(cliArguments(provider, 'PROMPT', 'm', ['out.md'])).toEqual(argv);
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

  it('takes gemini output as text', () => {
    expect(parseCliOutput('gemini', 'answer\n')).toEqual({ text: 'answer', usage: {} });
  });
});
