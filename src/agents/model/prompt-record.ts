// prompt.md: the prompt of a model step exactly as its engine got it, saved in the step's directory so a person can
// see what the agent was told (`tapps-agents workflow status <run> --step <id>` prints it).

import path from 'node:path';
import type { Engine } from '../../engines/engine.js';
import { writeFileAtomically } from '../../fs/atomic-write.js';
import type { Correlation } from '../skill.js';

/** The file, in the step's record directory, that holds the prompt exactly as the engine got it. */
export const PROMPT_FILE_NAME = 'prompt.md';

/** Writes prompt.md: the system text and the prompt exactly as the engine gets them, with what they were made from. */
export async function savePrompt(recordDir: string, record: { system: string; prompt: string; engine: Pick<Engine, 'name' | 'writesFiles'>; correlation: Correlation }): Promise<void> {
  const { correlation } = record;
  const how = record.engine.writesFiles ? 'one argument: the system text, a blank line, then the prompt' : 'a system message and a user message';
  const text = [
    `<!-- tapps-agents prompt of step ${correlation.step_id}, attempt ${correlation.attempt}, engine ${record.engine.name} (${how}), ${new Date().toISOString()} -->`,
    '# System',
    '',
    record.system,
    '',
    '# Prompt',
    '',
    record.prompt,
    '',
  ].join('\n');
  await writeFileAtomically(path.join(recordDir, PROMPT_FILE_NAME), text, { dirMode: 0o700 });
}

