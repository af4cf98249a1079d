// Why a step attempt failed: every code a step error carries, with its default retry decision and when it happens
// (docs/cli.md "Step error codes"). TappsError (./errors.ts) is for failures of a command or library call; step errors
// are outcomes, kept in state.json, status files and metrics. A run whose steps failed exits 1 (4 when it completed
// under `on_error: continue`); the codes below tell why, and whether the executor tries the step again.

import { formatDuration } from './config/duration.js';

interface StepErrorKind {
  /** Whether the executor retries by default (a step's `retry` bounds it; a skill may decide otherwise). */
  retryable: boolean;
  /** When it happens. */
  when: string;
}

/** The catalogue. */
export const STEP_ERRORS = {
  FAILED: { retryable: false, when: 'A skill or a status file reported failure with no code of this list (a foreign code is kept in the message).' },
  CANCELLED: { retryable: false, when: 'The run was cancelled, or the step stopped because its runner was stopping.' },
  TIMEOUT: { retryable: true, when: "The attempt did not finish within the step's timeout; its process group was killed." },
  ARTIFACT_MISSING: { retryable: true, when: 'The step finished but an expected artifact (creates:, target_file) is missing or older than the attempt.' },
  // Shell steps and commands
  EXIT_CODE: { retryable: true, when: 'A shell step exited non-zero or was killed by a signal.' },
  SPAWN_FAILED: { retryable: false, when: 'The program of a step, engine or test command could not be started (not found, not executable).' },
  // Skills and their parameters
  UNKNOWN_ACTION: { retryable: false, when: 'The agent has no such action.' },
  INVALID_PARAMS: { retryable: false, when: "The step's params do not match the action's parameters." },
  SKILL_CRASHED: { retryable: true, when: 'An action threw an unexpected error (a bug, reported with its message).' },
  SKILL_FAILED: { retryable: false, when: 'An action stopped with an expected error (a path outside the project, an unreadable input); its message says what to do.' },
  SKILL_COMMAND_INVALID: { retryable: false, when: 'A command file holds a skill command that cannot be parsed.' },
  TARGET_NOT_FOUND: { retryable: false, when: 'The file or directory an action works on does not exist.' },
  TARGET_EXISTS: { retryable: false, when: 'A model action would replace its target, and the step says `overwrite: false`.' },
  SUBJECT_MISSING: { retryable: false, when: 'A model action has nothing to be about (no params, run param or input file names it); no prompt was sent.' },
  NOTHING_TO_REVIEW: { retryable: false, when: 'The reviewer found no TS/JS file to analyse.' },
  LINT_UNAVAILABLE: { retryable: false, when: '`reviewer lint` found no ESLint in the project.' },
  SCORE_BELOW_MINIMUM: { retryable: false, when: 'The review score is under `min_score` and `fail_below_min` is set.' },
  NO_TEST_COMMAND: { retryable: false, when: '`tester run-tests` found no test command (package.json script, pytest, go.mod, cargo).' },
  TESTS_FAILED: { retryable: false, when: 'The tests ran and some failed.' },
  AUDIT_FAILED: { retryable: true, when: '`npm audit` could not run to the end (network, registry).' },
  VULNERABILITIES_FOUND: { retryable: false, when: '`npm audit` found vulnerabilities at or above `fail_on`.' },
  PREREQUISITES_UNMET: { retryable: false, when: 'A tool or file that `check-prerequisites` requires is missing.' },
  // Engines
  NO_ENGINE: { retryable: false, when: 'No engine can run a model-backed step here (none configured, CLI not installed, key not set).' },
  ENGINE_FAILED: { retryable: true, when: 'A coding-agent CLI exited non-zero or was killed.' },
  PROVIDER_ERROR: { retryable: true, when: "A model provider's API answered with an error (retried when the provider says it is transient)." },
  OPTIONAL_DEPENDENCY_MISSING: { retryable: false, when: "The engine's provider package cannot be loaded (reinstall tapps-agents)." },
  WAITING_FOR_PERSON: { retryable: false, when: 'The manual engine wrote a prompt for a person and the step waits for their answer.' },
  // Background agents and the file protocol
  NO_RUNNER: { retryable: true, when: 'No background agent picked up the command file within the grace period.' },
  STATUS_CORRUPT: { retryable: true, when: "The attempt's status file was still unreadable (not JSON, wrong shape) at the deadline." },
  RUNNER_DIED: { retryable: true, when: 'The background agent running the attempt stopped sending heartbeats and is gone.' },
  RUNNER_STALLED: { retryable: true, when: 'The background agent running the attempt is alive but sent no heartbeat for 10 intervals (stopped with SIGSTOP, or hung).' },
  RUNNER_STOPPED: { retryable: true, when: 'The background agent was stopped while it ran the attempt.' },
  COMMAND_FILE_INVALID: { retryable: false, when: 'A command file cannot be used (not JSON, missing fields).' },
  COMMAND_INVALID: { retryable: false, when: "A background agent's configured command cannot be expanded for this step." },
  COMMAND_REDACTED: { retryable: false, when: 'A command file handed to another process had its secret environment removed, and the command needs it.' },
  COMMAND_NOT_FOUND: { retryable: false, when: "The program of a background agent's command could not be started." },
  COMMAND_FAILED: { retryable: true, when: "A background agent's command exited non-zero." },
  WORKTREE_OUTSIDE_PROJECT: { retryable: false, when: "A command file's worktree_path is outside the project: the runner refused it." },
  // The queue transport (docs/scale-out.md)
  BASE_COMMIT_MISSING: { retryable: false, when: "The worker's clone lacks the commit the step starts from (fetch it there, or push it to the origin)." },
  CHANGES_TOO_LARGE: { retryable: false, when: "The step's changes (diff and artifacts) are over queue.max_changes_bytes; nothing was sent back." },
  CHANGES_NOT_APPLIED: { retryable: false, when: "The executor could not apply a worker's changes to the step's directory (git apply refused them)." },
  JOB_INVALID: { retryable: false, when: 'A queue job or its result does not parse (another version, or damaged): the worker refused it.' },
  WORKER_LOST: { retryable: true, when: 'The queue job failed outside the skill: its worker died more often than queue.max_stalled_count, or the job vanished.' },
  // Worktrees and the workflow
  WORKTREE_FAILED: { retryable: false, when: "The step's git worktree could not be created or merged back." },
  OUTPUT_CONFLICT: { retryable: false, when: "A step's worktree changed a file another step changed; nothing was merged." },
  APPROVAL_TIMEOUT: { retryable: false, when: 'Nobody approved the step within its approval timeout.' },
  REJECTED: { retryable: false, when: 'A person rejected the step (`workflow approve --reject`).' },
} as const satisfies Record<string, StepErrorKind>;

export type StepErrorCode = keyof typeof STEP_ERRORS;

/** Why a step attempt failed, as kept in state.json, status files and metrics. */
export interface StepError {
  code: StepErrorCode;
  message: string;
  retryable: boolean;
}

/** A step error with the code's default retry decision, unless the caller knows better. */
export function stepError(code: StepErrorCode, message: string, retryable: boolean = STEP_ERRORS[code].retryable): StepError {
  return { code, message, retryable };
}

/** True for a code of the catalogue (a status file written by another tool may carry any string). */
export function isStepErrorCode(value: unknown): value is StepErrorCode {
  return typeof value === 'string' && Object.hasOwn(STEP_ERRORS, value);
}

/**
 * A timed-out attempt, said the same wherever the deadline is noticed: "<what> did not finish within 30s; <detail>"
 * (`what`: "Step", "Command \"npm test\""; `detail`: what was done about it, or why it happened).
 */
export function timeoutError(what: string, timeoutMs: number, detail = 'its process group was killed'): StepError {
  return stepError('TIMEOUT', `${what} did not finish within ${formatDuration(timeoutMs)}; ${detail}`);
}
