// The `manual` engine: writes what a person should do (the rendered prompt and the files to produce) and reports that
// the step is waiting for a person. Waiting itself is the manual transport's job (`workflow execute --manual`): it
// waits for the status file; this engine only makes the instructions available when a model step reaches it inline.

import path from 'node:path';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { redactSecrets, secretValuesFromEnv } from '../redaction/redact.js';
import type { Engine } from './engine.js';

/** Where the instructions go, relative to the step directory (beside the command and status files). */
export const MANUAL_INSTRUCTIONS_FILE = '.cursor/manual-instructions.md';

/** An engine whose "call" is writing instructions for a person. */
export function createManualEngine(name = 'manual'): Engine {
  return {
    name,
    writesFiles: true,
    async generate(request) {
      const file = path.join(request.cwd, MANUAL_INSTRUCTIONS_FILE);
      const files = request.expectedFiles.map((artifact) => `- ${artifact}`).join('\n');
      // A file written for people: secrets that reached the prompt (through params or inputs) are redacted.
      const text = `# Manual step\n\nCreate these files in ${request.cwd}:\n${files}\n\n## Instructions\n\n${request.system}\n\n${request.prompt}\n`;
      await writeFileAtomically(file, redactSecrets(text, secretValuesFromEnv(request.env)), { mode: 0o644, dirMode: 0o755 });
      return {
        ok: false,
        error: {
          code: 'WAITING_FOR_PERSON',
          message: `This step is done by a person (engine "${name}"): follow ${file}, create ${request.expectedFiles.join(', ')}, then mark the step complete (run the workflow with --manual to wait for it)`,
          retryable: false,
        },
        usage: { engine: name },
      };
    },
  };
}
