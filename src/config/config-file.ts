// Loads one configuration file: read → parse → schema → named rules, collecting every problem at once.

import type { z } from 'zod';
import type { Problem } from './problem.js';
import { checkAgainstSchema } from './schema-check.js';
import { readYamlSource, type YamlSource } from './yaml-source.js';

/** A semantic rule run after the schema passed: it returns the problems it found. */
export type ConfigRule<T> = (value: T, source: YamlSource) => Problem[];

export interface ConfigFileResult<T> {
  /** The file as shown to people. */
  file: string;
  /** False when the file does not exist (then `value` is undefined and callers use defaults). */
  exists: boolean;
  /** The validated value with schema defaults, when there were no errors. */
  value: T | undefined;
  /** The parsed YAML, for locating keys (undefined when missing or unparsable). */
  source: YamlSource | undefined;
  problems: Problem[];
}

/** Reads, validates and rule-checks a YAML configuration file. */
export async function loadConfigFile<S extends z.ZodType>(
  absolutePath: string,
  schema: S,
  rules: readonly ConfigRule<z.output<S>>[] = [],
): Promise<ConfigFileResult<z.output<S>>> {
  const read = await readYamlSource(absolutePath);
  if (read.kind === 'missing') return { file: read.file, exists: false, value: undefined, source: undefined, problems: [] };
  if (read.kind === 'invalid') return { file: read.file, exists: true, value: undefined, source: undefined, problems: read.problems };
  const checked = checkAgainstSchema(schema, read.source);
  const problems = [...read.problems, ...checked.problems];
  if (checked.value === undefined) return { file: read.source.file, exists: true, value: undefined, source: read.source, problems };
  for (const rule of rules) problems.push(...rule(checked.value, read.source));
  const failed = problems.some((problem) => problem.severity === 'error');
  return { file: read.source.file, exists: true, value: failed ? undefined : checked.value, source: read.source, problems };
}
