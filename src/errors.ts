// The one error type the library throws: a stable code, structured details, and a message that says what to do.

/** Every error code the library can throw. The CLI maps each to an exit code (docs/cli.md). */
export const ERROR_CODES = [
  'USAGE',
  'CONFIG_INVALID',
  'CONFIG_NOT_FOUND',
  'FILE_EXISTS',
  'FILE_UNREADABLE',
  'WORKFLOW_INVALID',
  'SKILL_COMMAND_INVALID',
  'WORKFLOW_FAILED',
  'RUN_NOT_FOUND',
  'LOCK_HELD',
  'CONFLICT',
  'TIMEOUT',
  'INTERRUPTED',
  'OPTIONAL_DEPENDENCY_MISSING',
  'WORKTREE_FAILED',
  'NO_RUNNER',
  'STORAGE_FAILED',
  'OUTSIDE_PROJECT',
  'RUN_DAMAGED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const brand = Symbol.for('tapps-agents.TappsError');

/**
 * An expected failure with a stable `code`. Its message names what failed, why, and what to do next.
 * Use {@link TappsError.is} rather than `instanceof`, which breaks across duplicate installs.
 */
export class TappsError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TappsError';
    this.code = code;
    this.details = options.details ?? {};
  }

  /** True for any TappsError, whichever copy of the package created it. */
  static is(value: unknown): value is TappsError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}
