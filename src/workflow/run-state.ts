// The state of one run as state.json holds it: its types, the outcome in words, whether its executor is alive, and the
// validated read every view uses. Other tools read state.json (`workflow status`, `auto-execution status`), so its
// shape is a contract. The live run writes it through RunStore (run-store.ts).

import { isRecordedProcessAlive, procStat } from '../exec/process-alive.js';
import { isNotRegularFile } from '../fs/read-regular-file.js';
import { hostname } from 'node:os';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { runPaths, workflowStateRoot } from '../protocol/run-paths.js';
import type { z } from 'zod';
import { checkRunState } from '../protocol/run-state-check.js';
import type { runStateSchema } from '../protocol/run-state-schema.js';
import { applyRunStateJournal, readRunStateFiles } from '../protocol/run-state-journal.js';

/** What a step came to, or where it is. */
export type StepStatus = 'pending' | 'running' | 'waiting_approval' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/**
 * What a run came to, or where it is. `interrupted` is never stored: it is shown for a running run whose executor died.
 * `completed_with_failures`: every step finished and some succeeded, but some failed under `on_error: continue`
 * (`failed_steps` says how many); a run in which no step succeeded is `failed`.
 */
export type RunStatus = 'running' | 'succeeded' | 'completed_with_failures' | 'failed' | 'cancelled' | 'waiting_approval';

/**
 * A run's outcome in words, the one phrasing every view uses: "succeeded", "completed with 2 failed steps", "failed"…
 * `failedSteps` comes from state.json's `failed_steps`.
 */
export function describeRunOutcome(status: RunStatus | 'interrupted', failedSteps: number | undefined): string {
  if (status === 'completed_with_failures') {
    const count = failedSteps ?? 0;
    return `completed with ${count} failed ${count === 1 ? 'step' : 'steps'}`;
  }
  return status.replace('_', ' ');
}

// The schema and these types must name the same statuses: a status added here and not there makes tsc fail.
type SchemaState = z.output<typeof runStateSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameStatuses: [Same<SchemaState['status'], RunStatus>, Same<SchemaState['steps'][string]['status'], StepStatus>] = [true, true];

/** One step in state.json. */
export interface StepState {
  name: string;
  status: StepStatus;
  /** The current (or last) attempt number; 0 before the first. */
  attempt: number;
  started_at: string | null;
  completed_at: string | null;
  /** The step's own directory under the run (log, and a transport's command/status files). */
  step_dir: string;
  /** Where the step runs and where its artifacts are written: the project root, or its worktree. */
  work_dir: string;
  outputs: Record<string, unknown>;
  artifacts: string[];
  error: { message: string; code: string; retryable: boolean } | null;
  /** Why a skipped step was skipped. */
  skip_reason?: string;
  /**
   * The attempt that was running when its executor stopped: `workflow resume` dispatches it again with the same
   * number, so a transport can adopt a result that landed meanwhile instead of running it twice.
   */
  interrupted_attempt?: number;
  /** When the next attempt starts, while waiting to retry. */
  retry_at?: string;
  agent?: string;
  action?: string;
}

/** state.json. */
export interface RunState {
  schemaVersion: 1;
  run_id: string;
  workflow_id: string;
  workflow_name: string;
  /** The workflow file as given (absolute). */
  workflow_file: string;
  status: RunStatus;
  /** `start`: the process's start time (/proc/<pid>/stat), so a later process given the same pid is never taken for it. */
  executor: { pid: number; host: string; start?: string };
  started_at: string;
  updated_at: string;
  completed_at: string | null;
  /** Final error of a failed run. */
  error: string | null;
  /** How many steps failed, once the run has finished (also under `on_error: continue`). */
  failed_steps?: number;
  params: Record<string, unknown>;
  auto_execution: boolean;
  transport: string;
  /** How many times each gate has looped back. */
  gate_iterations: Record<string, number>;
  /** With worktree isolation: the commit every step worktree starts from (kept so a resume starts from the same). */
  worktree_base?: string;
  steps: Record<string, StepState>;
}

/** One line of events.jsonl (and of `workflow execute --json`). */
export interface RunEvent {
  schemaVersion: 1;
  ts: string;
  runId: string;
  type: string;
  stepId?: string;
  [field: string]: unknown;
}

/** The executor of this process, as recorded in state.json. */
export function thisExecutor(): { pid: number; host: string; start?: string } {
  const start = procStat(process.pid)?.start;
  return { pid: process.pid, host: hostname(), ...(start === undefined ? {} : { start }) };
}

/** True when the executor recorded in `state` is alive on this host: same pid and, when recorded, same start time. */
export function isExecutorAlive(state: RunState): boolean {
  return state.executor.host === hostname() && isRecordedProcessAlive(state.executor.pid, state.executor.start);
}

/**
 * Reads a run's state — state.json with its journal applied (run-state-journal.ts) — and checks it against the schema
 * it is written with. The one reader of a run's state: status, list, resume and the dashboard all go through it.
 * @throws {TappsError} RUN_NOT_FOUND when there is no such run; RUN_DAMAGED (with `details.file`) when state.json is
 *   not a file, not JSON or lacks fields; CONFLICT when it was written by another schema version.
 */
export async function readRunState(projectRoot: string, runId: string): Promise<RunState> {
  return (await readRunStateIfChanged(projectRoot, runId)).state;
}

/** A run's state as read, and the version of state.json it came from (see {@link readRegularFileIfChanged}). */
export interface VersionedRunState {
  version: string;
  state: RunState;
}

/**
 * {@link readRunState}, returning `known` itself (not reading nor checking the files again) while state.json and its
 * journal are still the versions `known` was read from. state.json is replaced by a rename on every write and the
 * journal only grows until it is replaced, so their versions (inode, size, mtime) change with every write.
 * @throws {TappsError} as {@link readRunState}
 */
export async function readRunStateIfChanged(projectRoot: string, runId: string, known?: VersionedRunState): Promise<VersionedRunState> {
  const paths = runPaths(projectRoot, runId);
  const file = paths.state;
  const damaged = (why: string, cause?: unknown) =>
    new TappsError('RUN_DAMAGED', `Run ${runId} is damaged: ${file} ${why}. Its other files are left as they are; remove the run directory ${path.dirname(file)} if it is of no use.`, {
      details: { run_id: runId, file, reason: why },
      ...(cause === undefined ? {} : { cause }),
    });
  let read: Awaited<ReturnType<typeof readRunStateFiles>>;
  try {
    read = await readRunStateFiles(file, paths.journal, known?.version);
  } catch (error) {
    if (isNotRegularFile(error)) throw damaged(`is ${String(error.details.kind)}, not a file`, error);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new TappsError('RUN_NOT_FOUND', `No run "${runId}" in ${workflowStateRoot(projectRoot)}; list runs with "tapps-agents workflow list"`);
    }
    if (code === 'EISDIR') throw damaged('is a directory, not a file', error);
    throw error;
  }
  if (read.stateText === null && known !== undefined) return known;
  let state: unknown;
  try {
    state = JSON.parse(read.stateText ?? '');
  } catch {
    throw damaged('is not valid JSON (it was cut short or edited by hand)');
  }
  // Changes of a live run not yet folded into state.json; a torn last line (a killed executor) is skipped.
  applyRunStateJournal(state, read.journalText ?? '');
  const version = typeof state === 'object' && state !== null ? (state as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version === 'number' && version !== 1) {
    throw new TappsError('CONFLICT', `Run state ${file} has schemaVersion ${version}; it was written by another version of tapps-agents`);
  }
  const checked = await checkRunState(state);
  if (!checked.success) {
    const issues = checked.error.issues.slice(0, 3).map((issue) => `${issue.path.length === 0 ? '(top level)' : issue.path.join('.')}: ${issue.message}`);
    throw damaged(`is not a valid run state (${issues.join('; ')}${checked.error.issues.length > 3 ? '; …' : ''})`);
  }
  return { version: read.version, state: checked.data as RunState };
}

/** The status to show: a running (or waiting) run whose executor is gone from this host is `interrupted`. */
export function displayedStatus(state: RunState): RunStatus | 'interrupted' {
  if ((state.status === 'running' || state.status === 'waiting_approval') && state.executor.host === hostname() && !isExecutorAlive(state)) {
    return 'interrupted';
  }
  return state.status;
}
