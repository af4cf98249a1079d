// The `gemini` engine with the real Gemini CLI (the pinned @google/gemini-cli devDependency) inside a workflow step,
// against the scripted Gemini streamGenerateContent server on 127.0.0.1 (SSE), with API-key auth and a pinned model.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeRealCli, writeJson } from './real-cli.js';

describeRealCli({
  pkg: '@google/gemini-cli',
  executable: 'gemini',
  engine: 'gemini',
  engines: '  gemini:\n    provider: gemini\n    model: gemini-2.5-flash\n',
  environment: async ({ origin, key, home }) => {
    await mkdir(path.join(home, '.gemini'));
    // API-key auth, no folder-trust prompt for the temp project, and one attempt per call: the step's retry policy
    // decides (Gemini CLI would try a 500 ten times, with backoff, on its own).
    await writeJson(path.join(home, '.gemini', 'settings.json'), { general: { maxAttempts: 1 }, security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } } });
    return { GEMINI_CLI_HOME: home, GOOGLE_GEMINI_BASE_URL: origin, GEMINI_API_KEY: key };
  },
  argv: ['-p', 'PROMPT', '--yolo', '--output-format', 'json', '--model', 'gemini-2.5-flash'],
  tool: 'tool:write_file',
  usage: { input_tokens: 240, output_tokens: 60, cost: false },
  errors: {
    unauthorised: 'gemini exited with code 145: API error 401 UNAUTHENTICATED: invalid api key',
    failing: () => 'gemini exited with code 244: API error 500 INTERNAL: the model is overloaded',
  },
});
