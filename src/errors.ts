// The one error type the library throws: a stable code, structured details, and a message that says what to do.

/**
 * Every error code the library throws, with when it happens. The CLI maps each to an exit code (src/cli/exit-codes.ts,
 * docs/cli.md). Outcomes of steps are not thrown: they carry a step error code (./step-errors.ts).
 */
export const ERRORS = {
  USAGE: 'Bad flags or arguments, an invalid id, a run or step that is not in the state asked for.',
  CONFIG_INVALID: 'A configuration file breaks its schema or rules (each problem with file:line:col), or no engine can run a model-backed step.',
  FILE_EXISTS: 'A file to be written exists and --overwrite (or --force) was not given.',
  FILE_UNREADABLE: 'A file given or needed cannot be read (missing, a FIFO or device, no permission).',
  WORKFLOW_INVALID: 'A workflow file breaks its schema or rules (each problem with file:line:col).',
  SKILL_COMMAND_INVALID: 'A skill command ("@agent *action --param value") cannot be parsed.',
  RUN_NOT_FOUND: 'No run of that id in this project.',
  LOCK_HELD: 'Another process holds the lock (a run executed twice, a second background agent).',
  CONFLICT: 'The request conflicts with existing state (a run already succeeded or is still executing, a branch in use).',
  TIMEOUT: 'A wait for a run, an approval or a setup command passed its deadline.',
  INTERRUPTED: 'A process was stopped (SIGINT/SIGTERM) or could not start.',
  OPTIONAL_DEPENDENCY_MISSING: "A module an engine needs cannot be loaded.",
  WORKTREE_FAILED: 'A git worktree could not be created, merged back or removed.',
  NO_RUNNER: 'workflow.runner is "external" and no background agent is running.',
  STORAGE_FAILED: "The run's state could not be saved (e.g. disk full); what was saved before is intact.",
  OUTSIDE_PROJECT: 'A write was refused because its path (through a symbolic link, or an id) leads out of the project.',
  RUN_DAMAGED: "A run's state.json is not a file, not JSON, lacks fields or does not match the run's workflow copy.",
  QUEUE_UNREACHABLE: "The queue transport's Redis cannot be reached or refused us (the URL is named, its password masked).",
} as const satisfies Record<string, string>;

/** The codes of {@link ERRORS}, in order. */
export const ERROR_CODES = Object.keys(ERRORS) as (keyof typeof ERRORS)[];

export type ErrorCode = keyof typeof ERRORS;

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
