// orchestrator `inject-context` (the original presets' name): gathers the context later steps need — the given text
// and files of the project — into one artifact those steps `require`, so every model prompt sees the same context.

import { z } from 'zod';
import type { ActionDefinition } from '../action.js';
import { resolveProjectFile } from '../builtin/work-dir.js';
import { relativePath } from '../model/project-path.js';
import { writeFileAtomically } from '../../fs/atomic-write.js';
import path from 'node:path';
import { readRegularFile } from '../../fs/read-regular-file.js';

const paramsSchema = z.strictObject({
  context: z.string().optional().describe('Text to put first in the context file.'),
  files: z.array(relativePath('A project file to include.')).default([]).describe('Project files to include.'),
  target_file: relativePath('The context file to write.').default('context.md'),
});

type Params = z.output<typeof paramsSchema>;

/** Longest file included whole. */
const MAX_FILE_CHARS = 50_000;

export const injectContext: ActionDefinition<Params> = {
  agent: 'orchestrator',
  name: 'inject-context',
  kind: 'builtin',
  description: 'Collect context text and project files into one context file for later steps.',
  params: paramsSchema,
  artifacts: (params) => [params.target_file],
  async run(params, context) {
    const parts = ['# Context', ''];
    if (params.context !== undefined) parts.push(params.context, '');
    const missing: string[] = [];
    for (const file of params.files) {
      const text = await readRegularFile(resolveProjectFile(context, file)).catch(() => undefined);
      if (text === undefined) missing.push(file);
      else parts.push(`## ${file}`, '', '```', text.length > MAX_FILE_CHARS ? `${text.slice(0, MAX_FILE_CHARS)}\n… (cut)` : text.trimEnd(), '```', '');
    }
    if (missing.length > 0) return { status: 'failed', outputs: {}, artifacts: [], error: { code: 'TARGET_NOT_FOUND', message: `Cannot inject context: ${missing.join(', ')} not found`, retryable: false } };
    await writeFileAtomically(path.join(context.stepDir, params.target_file), `${parts.join('\n')}\n`, { mode: 0o644, dirMode: 0o755 });
    return { status: 'success', outputs: { files: params.files.length, target_file: params.target_file }, artifacts: [params.target_file], output: `context written to ${params.target_file}` };
  },
};
