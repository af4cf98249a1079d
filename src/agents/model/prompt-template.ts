// Versioned prompt templates: shipped in templates/prompts/<agent>/<action>.md, overridable per project in
// .tapps-agents/prompts/<agent>/<action>.md. Placeholders: {{agent}}, {{action}}, {{subject}}, {{workflow}},
// {{params}}, {{param.NAME}}, {{inputs}}, {{target_files}}, {{output_instructions}}. Unknown placeholders are an
// error, not silently empty.

import path from 'node:path';
import { TappsError } from '../../errors.js';
import { packageFile } from '../../package-files.js';
import { readRegularFile } from '../../fs/read-regular-file.js';

/** Where the shipped templates live (the package's templates/prompts). */
export const SHIPPED_PROMPTS_DIR = packageFile('templates', 'prompts');

/** A template and where it came from. */
export interface PromptTemplate {
  text: string;
  file: string;
  /** From the first line's `v<N>` marker, e.g. `<!-- tapps-agents prompt analyst/gather-requirements v1 -->`. */
  version: string | undefined;
}

/** Loads the template for `agent`/`action`: the project's override first, then the shipped one. */
export async function loadPromptTemplate(projectRoot: string, agent: string, action: string): Promise<PromptTemplate> {
  const candidates = [path.join(projectRoot, '.tapps-agents', 'prompts', agent, `${action}.md`), path.join(SHIPPED_PROMPTS_DIR, agent, `${action}.md`)];
  for (const file of candidates) {
    try {
      const text = await readRegularFile(file);
      return { text, file, version: /^<!--.*\bv(\d+)\b.*-->/.exec(text)?.[1] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new TappsError('FILE_UNREADABLE', `No prompt template for ${agent} ${action}: expected ${candidates.join(' or ')}`);
}

/** Values a template can use. */
export interface PromptValues {
  agent: string;
  action: string;
  params: Record<string, unknown>;
  /** What the step is about (./subject.ts); never empty. */
  subject: string;
  /** The workflow and the run's params, as text. */
  workflow: string;
  inputs: string;
  targetFiles: string[];
  outputInstructions: string;
}

/**
 * Fills a template's placeholders.
 * @throws {TappsError} FILE_UNREADABLE when the template uses a placeholder that does not exist.
 */
export function renderPrompt(template: PromptTemplate, values: PromptValues): string {
  const body = template.text.replace(/^<!--.*-->\n?/, '');
  return body.replace(/\{\{\s*([a-z_.]+)\s*\}\}/gi, (whole, name: string) => {
    // An unset param says so, rather than leaving "Scope: " dangling in the prompt.
    if (name.startsWith('param.')) return describeValue(values.params[name.slice('param.'.length)]) || '(not given)';
    switch (name) {
      case 'agent':
        return values.agent;
      case 'action':
        return values.action;
      case 'subject':
        return values.subject;
      case 'workflow':
        return values.workflow;
      case 'params':
        return describeParams(values.params);
      case 'inputs':
        return values.inputs === '' ? '(none)' : values.inputs;
      case 'target_files':
        return values.targetFiles.join(', ');
      case 'output_instructions':
        return values.outputInstructions;
      default:
        throw new TappsError('FILE_UNREADABLE', `${template.file}: unknown placeholder ${whole}; known: {{agent}}, {{action}}, {{subject}}, {{workflow}}, {{params}}, {{param.NAME}}, {{inputs}}, {{target_files}}, {{output_instructions}}`);
    }
  });
}

/** A list of params as the prompt shows them. */
export function describeParams(params: Record<string, unknown>): string {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? '(none)' : entries.map(([key, value]) => `- ${key}: ${describeValue(value)}`).join('\n');
}

function describeValue(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
