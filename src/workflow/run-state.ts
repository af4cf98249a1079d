// The durable state of one run: state.json (atomically replaced, writes coalesced) and events.jsonl (append-only).
// Other tools read state.json (`workflow status`, `auto-execution status`), so its shape is a contract.

import { isRecordedProcessAlive, procStat } from '../exec/process-alive.js';
import { createWriteStream, type WriteStream } from 'node:fs';
import { isNotRegularFile, readRegularFileIfChanged } from '../fs/read-regular-file.js';
import { hostname } from 'node:os';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { openForAppend } from '../fs/append-file.js';
import { redactValue } from '../redaction/redact.js';
import { runPaths, workflowStateRoot } from '../protocol/run-paths.js';
import type { z } from 'zod';
import { runStateSchema } from '../protocol/run-state-schema.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import { isoNow, systemClock, type Clock } from './clock.js';

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

/** How long a change may wait to be written together with the next ones (a running step shows up within this). */
const WRITE_DELAY_MS = 100;

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
 * Holds a run's state in memory and makes it durable: state.json writes are coalesced, events are appended.
 *
 * state.json is rewritten whole before every dispatch, so with 1,000 steps serialising and encoding every step each
 * time was quadratic (~4 ms of CPU per step by the end of such a run). Each step's encoded JSON is therefore kept and
 * redone only when one of its fields is assigned (the steps are wrapped to notice): change a step by assigning its
 * fields, never by changing a nested value in place.
 */
export class RunStore {
  readonly state: RunState;
  private readonly paths: ReturnType<typeof runPaths>;
  private readonly listener: ((event: RunEvent) => void) | undefined;
  private events: WriteStream | undefined;
  private version = 0;
  private written = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Why state.json could not be written (disk full, permissions); the run cannot go on without it. */
  private failure: TappsError | undefined;
  /** `"<id>":<step JSON>` of each step as last written; dropped when a field of the step is assigned. */
  private readonly encodedSteps = new Map<string, Uint8Array>();

  /** Every timestamp of the run (updated_at, event times, step times) is taken from it. */
  readonly clock: Clock;

  constructor(projectRoot: string, state: RunState, listener?: (event: RunEvent) => void, clock: Clock = systemClock) {
    this.paths = runPaths(projectRoot, state.run_id);
    this.listener = listener;
    this.clock = clock;
    const watched = (id: string, step: StepState): StepState =>
      new Proxy(step, {
        set: (target, field, value) => {
          this.encodedSteps.delete(id);
          return Reflect.set(target, field, value);
        },
        deleteProperty: (target, field) => {
          this.encodedSteps.delete(id);
          return Reflect.deleteProperty(target, field);
        },
      });
    const steps: Record<string, StepState> = {};
    for (const [id, step] of Object.entries(state.steps)) steps[id] = watched(id, step);
    state.steps = new Proxy(steps, {
      set: (target, id, value: StepState) => {
        if (typeof id !== 'string') return Reflect.set(target, id, value);
        this.encodedSteps.delete(id);
        return Reflect.set(target, id, watched(id, value));
      },
      deleteProperty: (target, id) => {
        if (typeof id === 'string') this.encodedSteps.delete(id);
        return Reflect.deleteProperty(target, id);
      },
    });
    this.state = state;
  }

  /** Creates the run directory and opens the event log. */
  async open(): Promise<void> {
    await makeDirectoryInside(this.paths.dir, 0o700);
    // Never through a link out of the project; after a torn last line (a killed executor) the next event starts afresh.
    const { handle, lead } = await openForAppend(this.paths.events, { mode: 0o600, dirMode: 0o700 });
    this.events = createWriteStream('', { fd: handle });
    this.events.on('error', () => undefined);
    if (lead !== '') this.events.write(lead);
  }

  /**
   * Notes that the state changed. The write is deferred a little (WRITE_DELAY_MS) so that a burst of changes costs
   * one write; {@link flush} writes at once — the executor flushes before every dispatch, which is what durability
   * needs (a completion is on disk before anything that follows it starts).
   */
  changed(): void {
    this.version++;
    this.state.updated_at = isoNow(this.clock);
    if (this.timer === undefined && this.writing === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.writing ??= this.writeLoop();
      }, WRITE_DELAY_MS);
    }
  }

  /**
   * Resolves once every change so far is on disk.
   * @throws {TappsError} STORAGE_FAILED when state.json cannot be written; the previous one is still intact.
   */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.written < this.version && this.failure === undefined) {
      this.writing ??= this.writeLoop();
      await this.writing;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Appends an event to events.jsonl and tells the listener. */
  emit(type: string, fields: Record<string, unknown> = {}): RunEvent {
    // Redacted whatever the transport: a step's output or error may quote a secret (docs/reliability.md).
    const event: RunEvent = redactValue({ schemaVersion: 1, ts: isoNow(this.clock), runId: this.state.run_id, type, ...fields });
    this.events?.write(`${JSON.stringify(event)}\n`);
    this.listener?.(event);
    return event;
  }

  /** Writes what is pending and closes the event log. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      // The events written so far reach the file even when state.json could not be saved.
      const events = this.events;
      this.events = undefined;
      if (events !== undefined) await new Promise<void>((resolve) => events.end(resolve));
    }
  }

  /** Writes until state.json is current. Never rejects: a deferred write has nobody awaiting it; flush reports it. */
  private async writeLoop(): Promise<void> {
    try {
      while (this.written < this.version) {
        const version = this.version;
        await writeFileAtomically(this.paths.state, this.encode());
        this.written = version;
      }
    } catch (error) {
      const reason = TappsError.is(error) && typeof error.details.reason === 'string' ? error.details.reason : (error as Error).message;
      this.failure = new TappsError(
        'STORAGE_FAILED',
        `Could not save the state of run ${this.state.run_id} to ${this.paths.state}: ${reason}. The run stopped; what was saved before is intact. Free some space (or fix the cause), then continue with "tapps-agents workflow resume ${this.state.run_id}".`,
        { cause: error },
      );
    } finally {
      this.writing = undefined;
    }
  }

  /**
   * state.json's bytes, in pieces written together: the same JSON as `JSON.stringify(state)`, re-encoding only the
   * steps changed since last time (and not copied into one buffer: copying a thousand pieces cost as much as encoding).
   */
  private encode(): Uint8Array[] {
    const { steps, ...head } = this.state;
    // Params stay as given (a resume runs with them, like the run's copy of the workflow file); the rest is redacted.
    const headJson = JSON.stringify({ ...redactValue(head), params: head.params });
    const parts: Uint8Array[] = [Buffer.from(`${headJson.slice(0, -1)}${headJson === '{}' ? '' : ','}"steps":{`)];
    let first = true;
    for (const [id, step] of Object.entries(steps)) {
      let encoded = this.encodedSteps.get(id);
      if (encoded === undefined) {
        encoded = Buffer.from(`${JSON.stringify(id)}:${JSON.stringify(redactValue(step))}`);
        this.encodedSteps.set(id, encoded);
      }
      if (!first) parts.push(COMMA);
      parts.push(encoded);
      first = false;
    }
    parts.push(END);
    return parts;
  }
}

const COMMA = Buffer.from(',');
const END = Buffer.from('}}\n');

/**
 * Reads a run's state.json and checks it against the schema it is written with.
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
 * {@link readRunState}, returning `known` itself (not reading nor checking the file again) while state.json is still
 * the version `known` was read from. state.json is replaced by a rename on every write, so the version changes with it.
 * @throws {TappsError} as {@link readRunState}
 */
export async function readRunStateIfChanged(projectRoot: string, runId: string, known?: VersionedRunState): Promise<VersionedRunState> {
  const file = runPaths(projectRoot, runId).state;
  const damaged = (why: string, cause?: unknown) =>
    new TappsError('RUN_DAMAGED', `Run ${runId} is damaged: ${file} ${why}. Its other files are left as they are; remove the run directory ${path.dirname(file)} if it is of no use.`, {
      details: { run_id: runId, file, reason: why },
      ...(cause === undefined ? {} : { cause }),
    });
  let read: { text: string | null; version: string };
  try {
    read = await readRegularFileIfChanged(file, known?.version);
  } catch (error) {
    if (isNotRegularFile(error)) throw damaged(`is ${String(error.details.kind)}, not a file`, error);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new TappsError('RUN_NOT_FOUND', `No run "${runId}" in ${workflowStateRoot(projectRoot)}; list runs with "tapps-agents workflow list"`);
    }
    if (code === 'EISDIR') throw damaged('is a directory, not a file', error);
    throw error;
  }
  if (read.text === null && known !== undefined) return known;
  const text = read.text ?? '';
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    throw damaged('is not valid JSON (it was cut short or edited by hand)');
  }
  const version = typeof state === 'object' && state !== null ? (state as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version === 'number' && version !== 1) {
    throw new TappsError('CONFLICT', `Run state ${file} has schemaVersion ${version}; it was written by another version of tapps-agents`);
  }
  const checked = runStateSchema.safeParse(state);
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
