// The contents of a step's input artifacts (and files named by its parameters) for a prompt, size-capped: a cut file
// says so, so the model (and the person reading the prompt) knows it saw only part of it.

import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Most bytes of one file put into a prompt. */
export const MAX_BYTES_PER_FILE = 32 * 1024;
/** Most bytes of all files together (a CLI takes the prompt as one argv element: Linux allows 128 KiB). */
export const MAX_TOTAL_BYTES = 96 * 1024;

/** One file to include: the name the prompt shows and where to read it. */
export interface PromptFile {
  label: string;
  file: string;
}

/** Renders each file as a fenced section, cut to the caps with a note; missing files are named as missing. */
export async function readPromptFiles(files: readonly PromptFile[]): Promise<string> {
  let budget = MAX_TOTAL_BYTES;
  const sections: string[] = [];
  for (const { label, file } of files) {
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch (error) {
      sections.push(`### ${label}\n(could not be read: ${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    const limit = Math.max(0, Math.min(MAX_BYTES_PER_FILE, budget));
    const shown = cutAtCharacter(content, limit);
    budget -= Buffer.byteLength(shown);
    const note = shown.length < content.toString('utf8').length ? `\n[cut: the first ${Buffer.byteLength(shown)} of ${content.length} bytes are shown]` : '';
    sections.push(`### ${label}\n\`\`\`${path.extname(file).slice(1)}\n${shown}\n\`\`\`${note}`);
  }
  return sections.join('\n\n');
}

function cutAtCharacter(content: Buffer, limit: number): string {
  if (content.length <= limit) return content.toString('utf8');
  // Drop a multi-byte character split by the cut (U+FFFD at the end).
  return content.subarray(0, limit).toString('utf8').replace(/\uFFFD$/, '');
}
