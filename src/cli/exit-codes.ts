// The CLI's exit codes (docs/cli.md): stable, so scripts can branch on them.

import type { ErrorCode } from '../errors.js';

export const EXIT = {
  /** Success; for `health`: healthy. */
  OK: 0,
  /** The run failed; for `health`: degraded. */
  FAILED: 1,
  /** Bad usage or invalid input (flags, configuration, workflow files); for `health`: unhealthy. */
  USAGE: 2,
  /** Conflict with existing state: a file exists, a lock is held. */
  CONFLICT: 3,
  /** The run completed, but some of its steps failed under `on_error: continue`. */
  COMPLETED_WITH_FAILURES: 4,
  /** A run's files are damaged (state.json missing fields, not JSON, not a file): the run cannot be shown or resumed. */
  RUN_DAMAGED: 65,
  /** The queue's Redis cannot be reached (sysexits' EX_UNAVAILABLE: a service is unavailable). */
  QUEUE_UNREACHABLE: 69,
  /** A bug in tapps-agents (an unexpected error). */
  INTERNAL: 70,
  /** A run or wait timed out. */
  TIMEOUT: 124,
  /** Interrupted by SIGINT/SIGTERM. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const BY_ERROR_CODE: Record<ErrorCode, ExitCode> = {
  USAGE: EXIT.USAGE,
  CONFIG_INVALID: EXIT.USAGE,
  FILE_UNREADABLE: EXIT.USAGE,
  WORKFLOW_INVALID: EXIT.USAGE,
  SKILL_COMMAND_INVALID: EXIT.USAGE,
  RUN_NOT_FOUND: EXIT.USAGE,
  OPTIONAL_DEPENDENCY_MISSING: EXIT.USAGE,
  FILE_EXISTS: EXIT.CONFLICT,
  LOCK_HELD: EXIT.CONFLICT,
  CONFLICT: EXIT.CONFLICT,
  WORKTREE_FAILED: EXIT.FAILED,
  NO_RUNNER: EXIT.FAILED,
  STORAGE_FAILED: EXIT.FAILED,
  OUTSIDE_PROJECT: EXIT.USAGE,
  RUN_DAMAGED: EXIT.RUN_DAMAGED,
  QUEUE_UNREACHABLE: EXIT.QUEUE_UNREACHABLE,
  TIMEOUT: EXIT.TIMEOUT,
  INTERRUPTED: EXIT.INTERRUPTED,
};

/** The exit code for a TappsError code. */
export function exitCodeFor(code: ErrorCode): ExitCode {
  return BY_ERROR_CODE[code];
}
