// How a zod issue reads to a person: what was expected and what was found, with values shown as in YAML. Used for
// configuration files, workflows and skill parameters alike (kept apart from the YAML reader, which skills do not need).

import type { z } from 'zod';

/** A readable message for one zod issue: what was expected and what was found. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  const hasInput = 'input' in issue && issue.input !== undefined;
  const got = hasInput ? `, got ${describeValue(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      return hasInput ? `expected ${article(issue.expected)}${got}` : 'is required';
    case 'too_small':
      if (issue.origin === 'array') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must have at least ${issue.minimum} items`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}${got}`;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}${got}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${describeValue(issue.values[0])}${got}`
        : `expected one of ${issue.values.map(describeValue).join(', ')}${got}`;
    case 'invalid_format':
      return `${issue.message}${got}`;
    default:
      return issue.message;
  }
}

/** A value as it would appear in YAML, shortened: "fast", 3, true, a list, a mapping. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : typeof value;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false', int: 'a whole number' };
  return names[type] ?? type;
}
