// A configured command (trusted text from .cursor/background-agents.yaml) turned into argv: split like a shell would
// split words (quotes, backslashes; no expansion, no operators), then placeholders replaced inside each word, so a
// substituted path is always exactly one argument. Text from a command file is never part of the template.

import { TappsError } from '../errors.js';
import { packageFile } from '../package-files.js';

/** Values for `{command_file_path}`, `{project_root}`, `{step_dir}` (and `{status_file_path}`). */
export interface TemplateValues {
  command_file_path: string;
  project_root: string;
  step_dir: string;
  status_file_path: string;
}

/** The placeholders a command template may use. */
export const PLACEHOLDERS: readonly (keyof TemplateValues)[] = ['command_file_path', 'project_root', 'step_dir', 'status_file_path'];

/** This installation's CLI entry, so `tapps-agents …` runs the same version as the runner (even under npx). */
export const CLI_ENTRY = packageFile('bin', 'tapps-agents.js');

/** A command ready to run. */
export interface ExpandedCommand {
  argv: string[];
  /** True for `tapps-agents workflow execute-skill-command --command-file <file>`: runnable in-process. */
  builtin: boolean;
}

/** Splits a command template into words. @throws {TappsError} USAGE on an unterminated quote. */
export function splitWords(template: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let index = 0;
  const push = (text: string) => (word = (word ?? '') + text);
  while (index < template.length) {
    const char = template[index] as string;
    if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      index++;
    } else if (char === "'") {
      const end = template.indexOf("'", index + 1);
      if (end === -1) throw unterminated(template);
      push(template.slice(index + 1, end));
      index = end + 1;
    } else if (char === '"') {
      let text = '';
      index++;
      while (index < template.length && template[index] !== '"') {
        if (template[index] === '\\' && /["\\$`]/.test(template[index + 1] ?? '')) index++;
        text += template[index] as string;
        index++;
      }
      if (index >= template.length) throw unterminated(template);
      push(text);
      index++;
    } else if (char === '\\' && index + 1 < template.length) {
      push(template[index + 1] as string);
      index += 2;
    } else {
      push(char);
      index++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Splits `template`, substitutes placeholders, and points `tapps-agents` at this installation. */
export function expandCommand(template: string, values: TemplateValues): ExpandedCommand {
  const words = splitWords(template).map((word) => word.replace(/\{(\w+)\}/g, (whole, name: string) => (PLACEHOLDERS.includes(name as keyof TemplateValues) ? values[name as keyof TemplateValues] : whole)));
  const rest = selfInvocation(words);
  if (rest === undefined) return { argv: words, builtin: false };
  const builtin = rest.length === 4 && rest[0] === 'workflow' && rest[1] === 'execute-skill-command' && rest[2] === '--command-file' && rest[3] === values.command_file_path;
  return { argv: [process.execPath, CLI_ENTRY, ...rest], builtin };
}

/** The arguments after the program when `words` invoke tapps-agents (also the seed's `python -m tapps_agents.cli`). */
function selfInvocation(words: readonly string[]): string[] | undefined {
  const [first, second, third] = words;
  if (first === 'tapps-agents') return words.slice(1);
  if (first === 'npx' && second === 'tapps-agents') return words.slice(2);
  if (first !== undefined && /^python(3(\.\d+)?)?$/.test(first) && second === '-m' && (third === 'tapps_agents.cli' || third === 'tapps_agents')) return words.slice(3);
  return undefined;
}

function unterminated(template: string): TappsError {
  return new TappsError('CONFIG_INVALID', `Command ${JSON.stringify(template)} in .cursor/background-agents.yaml has an unterminated quote`);
}
