// The input files of a model step's prompt: its required artifacts, the files of the steps it depends on, and files
// named by its params or the run's params. Only regular files inside the project are ever read. An API engine gets
// their content within a character budget (the largest are cut first, and the prompt says what was cut); a
// coding-agent CLI, which reads files itself, gets their paths.

import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SkillContext } from '../skill.js';
import { unsafePathReason } from './project-path.js';
import { readRegularFile } from '../../fs/read-regular-file.js';

/** One input file of a prompt. */
export interface PromptInput {
  /** As the prompt names it: relative to the step directory, else to the project root. */
  path: string;
  /** False when it lies outside the step directory (a worktree): an engine that reads files itself gets `file`. */
  inStepDir: boolean;
  /** Absolute, symlinks resolved. */
  file: string;
  /** Where it came from, for the reader: `written by step "x"`, `params.file`, `run param "spec"`, `required artifact`. */
  origin: string;
  /** True when a params value named it (the likelier subject of the step). */
  named: boolean;
}

/** A file cut to fit the budget. */
export interface CutInput {
  path: string;
  shown: number;
  total: number;
}

/** Params that name what a step writes, not what it reads. */
const OUTPUT_PARAMS = new Set(['target_file', 'output_file', 'file_path', 'output_dir', 'report_file']);

/** Every input file of the step, first origin kept for a file named twice. */
export async function gatherPromptInputs(params: Record<string, unknown>, context: SkillContext): Promise<PromptInput[]> {
  const root = await realpath(context.projectRoot).catch(() => undefined);
  if (root === undefined) return [];
  const found: PromptInput[] = [];
  const seen = new Set<string>();
  const add = async (value: unknown, origin: string, named: boolean) => {
    const file = await projectFile(value, context, root);
    if (file === undefined || seen.has(file)) return;
    seen.add(file);
    const relative = path.relative(await realpath(context.stepDir).catch(() => context.stepDir), file);
    const inStepDir = !relative.startsWith('..') && !path.isAbsolute(relative);
    const shown = inStepDir ? relative : path.relative(root, file);
    found.push({ path: shown.split(path.sep).join('/'), inStepDir, file, origin, named });
  };
  for (const [label, file] of Object.entries(context.inputs)) await add(path.isAbsolute(file) ? path.relative(context.projectRoot, file) : file, `required artifact "${label}"`, false);
  for (const [key, value] of Object.entries(params)) if (!OUTPUT_PARAMS.has(key)) await add(value, `params.${key}`, true);
  for (const input of context.run?.files ?? []) await add(input.path, `${input.role === 'wrote' ? 'written' : 'read'} by step "${input.step}"`, input.role === 'read');
  for (const [key, value] of Object.entries(context.run?.params ?? {})) await add(value, `run param "${key}"`, true);
  return found;
}

/**
 * The absolute path of the regular file `value` names inside the project (tried in the step directory, then the
 * project root), or undefined: not a relative path, missing, not a regular file, or a symlink out of the project.
 */
async function projectFile(value: unknown, context: SkillContext, root: string): Promise<string | undefined> {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 1024 || /[\n\r]/.test(value) || unsafePathReason(value) !== undefined) return undefined;
  for (const base of new Set([context.stepDir, context.projectRoot])) {
    const real = await realpath(path.resolve(base, value)).catch(() => undefined);
    if (real === undefined || (real !== root && !real.startsWith(root + path.sep))) continue;
    if ((await stat(real).catch(() => undefined))?.isFile() === true) return real;
  }
  return undefined;
}

/** The inputs pasted as fenced sections, cut to `budgetChars` in all, the largest first. */
export async function pasteInputs(inputs: readonly PromptInput[], budgetChars: number): Promise<{ text: string; cut: CutInput[] }> {
  const contents = await Promise.all(inputs.map(async (input) => readText(input.file)));
  const sizes = contents.map((content) => content.text?.length ?? 0);
  const allowed = allocate(sizes, budgetChars);
  const cut: CutInput[] = [];
  const sections = inputs.map((input, index) => {
    const { text, bytes } = contents[index] as { text: string | undefined; bytes: number };
    const heading = `### ${input.path} (${input.origin})`;
    if (text === undefined) return `${heading}\n(binary file of ${bytes} bytes: not shown)`;
    const limit = allowed[index] ?? 0;
    const shown = text.length <= limit ? text : cutAt(text, limit);
    if (shown.length < text.length) cut.push({ path: input.path, shown: shown.length, total: text.length });
    const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`{3,}/g)].map((match) => match[0].length + 1)));
    const note = shown.length < text.length ? `\n[cut: the first ${shown.length} of ${text.length} characters are shown (context budget)]` : '';
    return `${heading}\n${fence}${path.extname(input.file).slice(1)}\n${shown}\n${fence}${note}`;
  });
  if (cut.length > 0) {
    sections.push(`Note: the inputs are larger than the context budget of ${budgetChars} characters, so the largest were cut: ${cut.map((file) => `${file.path} (${file.shown} of ${file.total} characters shown)`).join(', ')}.`);
  }
  return { text: sections.join('\n\n'), cut };
}

/** The inputs named for an engine that reads files itself. */
export function nameInputs(inputs: readonly PromptInput[]): string {
  if (inputs.length === 0) return '';
  return ['Read these files yourself (paths are relative to the current directory):', ...inputs.map((input) => `- ${input.inStepDir ? input.path : input.file} (${input.origin})`)].join('\n');
}

/**
 * How many characters of each input fit in `budget`: everything when it all fits; otherwise every input gets the same
 * cap, chosen so the total fits, and only inputs larger than the cap are cut (the largest lose the most).
 */
export function allocate(sizes: readonly number[], budget: number): number[] {
  if (sizes.reduce((sum, size) => sum + size, 0) <= budget) return [...sizes];
  const ascending = [...sizes].sort((a, b) => a - b);
  let remaining = budget;
  let cap = 0;
  for (const [index, size] of ascending.entries()) {
    const share = Math.floor(remaining / (ascending.length - index));
    if (size > share) {
      cap = share;
      break;
    }
    remaining -= size;
  }
  return sizes.map((size) => Math.min(size, cap));
}

async function readText(file: string): Promise<{ text: string | undefined; bytes: number }> {
  const content = await readRegularFile(file, null);
  // A NUL byte early on: a binary file, which would only be noise in a prompt.
  if (content.subarray(0, 8000).includes(0)) return { text: undefined, bytes: content.length };
  return { text: content.toString('utf8'), bytes: content.length };
}

function cutAt(text: string, limit: number): string {
  const shown = text.slice(0, limit);
  // Never end on half of a surrogate pair.
  return /[\uD800-\uDBFF]$/.test(shown) ? shown.slice(0, -1) : shown;
}
