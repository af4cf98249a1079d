// The `claude` engine with the real Claude Code (the pinned @anthropic-ai/claude-code devDependency) inside a
// workflow step, against the scripted Anthropic messages server on 127.0.0.1 (streaming).

import { describeRealCli } from './real-cli.js';

describeRealCli({
  pkg: '@anthropic-ai/claude-code',
  executable: 'claude',
  engine: 'claude',
  environment: ({ origin, key, home }) =>
    Promise.resolve({
      ANTHROPIC_BASE_URL: origin,
      ANTHROPIC_API_KEY: key,
      CLAUDE_CONFIG_DIR: home,
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      // The step's retry policy decides; Claude Code's own retries (10, with backoff) would outlast the step.
      CLAUDE_CODE_MAX_RETRIES: '0',
    }),
  argv: ['-p', '--output-format', 'json', '--permission-mode', 'acceptEdits', 'PROMPT'],
  tool: 'tool:Write',
  usage: { input_tokens: 240, output_tokens: 60, cost: true },
  errors: {
    unauthorised: 'claude exited with code 1: Failed to authenticate. API Error: 401 invalid api key',
    failing: (host) =>
      `claude exited with code 1: API Error: 500 the model is overloaded. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (${host}).`,
  },
});
