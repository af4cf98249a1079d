// The `codex` engine with the real Codex CLI (the pinned @openai/codex devDependency) inside a workflow step, against
// the scripted OpenAI responses server on 127.0.0.1 (SSE), configured as a custom provider in $CODEX_HOME/config.toml.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeRealCli } from './real-cli.js';

describeRealCli({
  pkg: '@openai/codex',
  executable: 'codex',
  engine: 'codex',
  environment: async ({ origin, key, dir, home }) => {
    const codexHome = path.join(home, 'codex');
    await mkdir(codexHome, { recursive: true });
    // Retries off: the step's retry policy decides (codex would retry a 500 with backoff on its own).
    const config = [
      'model = "test-model"',
      'model_provider = "scripted"',
      '',
      '[model_providers.scripted]',
      'name = "scripted"',
      `base_url = "${origin}/v1"`,
      'env_key = "SCRIPTED_API_KEY"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
      `[projects."${dir}"]`,
      'trust_level = "trusted"',
      '',
    ].join('\n');
    await writeFile(path.join(codexHome, 'config.toml'), config);
    return { CODEX_HOME: codexHome, SCRIPTED_API_KEY: key };
  },
  argv: ['exec', '--json', '--sandbox', 'workspace-write', '--skip-git-repo-check', 'PROMPT'],
  tool: 'tool:exec_command',
  usage: { input_tokens: 240, output_tokens: 60, cost: false },
  errors: {
    unauthorised: 'codex exited with code 1: unexpected status 401 Unauthorized: invalid api key, url: http://127.0.0.1:PORT/v1/responses',
    // codex words every 500 this way; the server's message is not shown.
    failing: () => 'codex exited with code 1: We’re currently experiencing high demand, which may cause temporary errors.',
  },
});
