// The one notion of an id (workflow, step, run, approval): ids name directories and files, so they are checked
// against one documented rule before any path is built from them (docs/reliability.md, "Ids are never paths").

import { TappsError } from './errors.js';

/** Longest id: short enough that every file named after one stays far below the 255-byte name limit. */
export const MAX_ID_LENGTH = 128;

/**
 * Longest workflow id: a run id is `<workflow id>-<yyyymmddThhmmssZ>-<4 hex>` (22 more characters) and must itself be
 * a valid id.
 */
export const MAX_WORKFLOW_ID_LENGTH = MAX_ID_LENGTH - 22;

/** Letters, digits, `.`, `_` and `-`, starting with a letter or digit (so never `.`, `..` or a hidden name). */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The kinds of id, as named in messages. */
export type IdKind = 'workflow id' | 'step id' | 'run id';

/** The rule, as said to a user. */
export function idRule(max = MAX_ID_LENGTH): string {
  return `1 to ${max} letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."`;
}

/**
 * Why `value` is not a valid id of `kind`, or undefined when it is. Names of Object.prototype members
 * (`constructor`, `toString`, …) are refused too: run state keeps steps in plain objects.
 */
export function idProblem(kind: IdKind, value: string): string | undefined {
  const max = kind === 'workflow id' ? MAX_WORKFLOW_ID_LENGTH : MAX_ID_LENGTH;
  if (value.length > max) return `${kind} is ${value.length} characters long; at most ${max} are allowed`;
  if (!ID.test(value) || value.includes('..')) return `${kind} ${JSON.stringify(value)} is not valid: use ${idRule(max)}`;
  if (value in Object.prototype) return `${kind} ${JSON.stringify(value)} is a reserved name; choose another`;
  return undefined;
}

/**
 * Returns `value` when it is a valid id of `kind`.
 * @throws {TappsError} USAGE saying why it is not, and `hint` (what to use instead).
 */
export function checkId(kind: IdKind, value: string, hint?: string): string {
  const problem = idProblem(kind, value);
  if (problem !== undefined) {
    const message = `${problem.charAt(0).toUpperCase()}${problem.slice(1)}${hint === undefined ? '' : `; ${hint}`}`;
    throw new TappsError('USAGE', message, { details: { kind, id: value.slice(0, MAX_ID_LENGTH * 2) } });
  }
  return value;
}

/** The own entry `id` of `record`: never an inherited member such as `__proto__` or `constructor`. */
export function ownEntry<T>(record: Readonly<Record<string, T>>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}
