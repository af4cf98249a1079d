// Checks a parsed YAML value against a zod schema and turns every issue into a located, readable problem.
// Unknown keys are warnings (naming the closest known key) and are dropped, so one typo never hides other errors.

import type { z } from 'zod';
import { closestMatches } from '../text/closest-match.js';
import { issueMessage } from './issue-message.js';
import { sortProblems, type Problem } from './problem.js';
import { problemAt, type YamlSource } from './yaml-source.js';

export interface SchemaCheckResult<T> {
  /** The value with defaults applied, when there were no errors. */
  value: T | undefined;
  problems: Problem[];
}

/** Validates `source.data` (an empty file counts as `{}`) against `schema`. */
export function checkAgainstSchema<S extends z.ZodType>(
  schema: S,
  source: YamlSource,
): SchemaCheckResult<z.output<S>> {
  let data: unknown = source.data ?? {};
  const problems: Problem[] = [];
  // At most a few rounds: each round removes the unknown keys found by the previous one.
  for (let round = 0; round < 8; round++) {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data, problems: sortProblems(problems) };
    const unknown = result.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
    const others = result.error.issues.filter((issue) => issue.code !== 'unrecognized_keys');
    for (const issue of unknown) {
      for (const key of issue.keys) {
        const known = knownKeysAt(schema, issue.path);
        const suggestion = closestMatches(key, known, 1)[0];
        const hint = suggestion === undefined ? `known keys: ${known.join(', ')}` : `did you mean "${suggestion}"?`;
        problems.push(problemAt(source, [...issue.path, key], `unknown key "${key}" is ignored; ${hint}`, { severity: 'warning', atKey: true }));
      }
    }
    if (others.length > 0 || unknown.length === 0) {
      for (const issue of others) problems.push(problemAt(source, issue.path, issueMessage(issue)));
      return { value: undefined, problems: sortProblems(problems) };
    }
    data = withoutKeys(data, unknown.flatMap((issue) => issue.keys.map((key) => [...issue.path, key])));
  }
  return { value: undefined, problems };
}

/** The keys a strict object schema accepts at `path`, for suggestions. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const segment of [...path, undefined]) {
    current = unwrap(current);
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (def === undefined) return [];
    if (segment === undefined) return def.type === 'object' ? Object.keys(def.shape as object) : [];
    if (def.type === 'object') current = (def.shape as Record<string, unknown>)[String(segment)] ?? def.catchall;
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return [];
  }
  return [];
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (def === undefined) return current;
    if ('innerType' in def) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else return current;
  }
}

function withoutKeys(data: unknown, paths: PropertyKey[][]): unknown {
  const copy: unknown = structuredClone(data);
  for (const keyPath of paths) {
    let node: unknown = copy;
    for (const segment of keyPath.slice(0, -1)) node = (node as Record<PropertyKey, unknown> | undefined)?.[segment];
    if (typeof node === 'object' && node !== null) Reflect.deleteProperty(node, keyPath.at(-1) as PropertyKey);
  }
  return copy;
}
