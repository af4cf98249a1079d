// A live run's state made durable: state.json atomically replaced (writes coalesced, each step's JSON re-encoded only
// when it changed) and events.jsonl appended. Only the executor writes through it; others read with readRunState.

import { createWriteStream, type WriteStream } from 'node:fs';
import { TappsError } from '../errors.js';
import { openForAppend } from '../fs/append-file.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import { runPaths } from '../protocol/run-paths.js';
import { redactValue } from '../redaction/redact.js';
import { isoNow, systemClock, type Clock } from './clock.js';
import type { RunEvent, RunState, StepState } from './run-state.js';
/** How long a change may wait to be written together with the next ones (a running step shows up within this). */
const WRITE_DELAY_MS = 100;

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
