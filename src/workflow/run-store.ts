// A live run's state made durable: each change appended to state.json's journal (fdatasync'd, writes coalesced), the
// journal folded into state.json (atomically replaced) when it outgrows a bound and when the run ends; events.jsonl
// appended. Only the executor writes through it; others read with readRunState, which applies the journal.

import { constants, writeFileSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { TappsError } from '../errors.js';
import { openForAppend } from '../fs/append-file.js';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { storageReason } from '../fs/storage-error.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import { runPaths } from '../protocol/run-paths.js';
import { redactValue } from '../redaction/redact.js';
import { isoNow, systemClock, type Clock } from './clock.js';
import type { RunEvent, RunState, StepState } from './run-state.js';
/** How long a change may wait to be written together with the next ones (a running step shows up within this). */
const WRITE_DELAY_MS = 100;
/**
 * The journal is folded into state.json once it holds more than this share of state.json's size (and more than
 * {@link MIN_COMPACT_BYTES}): each compaction rewrites O(n) bytes after O(n) appended ones, so the bytes written per
 * change stay O(1) however long the run, and a reader parses at most 1.5 × state.json.
 */
const COMPACT_SHARE = 0.5;
const MIN_COMPACT_BYTES = 64 * 1024;

/**
 * Holds a run's state in memory and makes it durable: changes are coalesced and appended to the journal (only the
 * steps that changed, plus the run's own fields), events are appended.
 *
 * Rewriting state.json whole before every dispatch made a run write O(n²) bytes (10,000 steps: 409 s against 7.3 s for
 * 1,000). Steps are wrapped to notice when one of their fields is assigned: that step is journaled at the next write,
 * and its encoded JSON (kept for compaction) redone. Change a step by assigning its fields, never by changing a nested
 * value in place.
 *
 * Crash safety rests on one invariant: for every step, its latest durable value is the journal's last line naming it,
 * else state.json's. A compaction therefore first journals what is pending, then writes state.json equal to the
 * journal's end, then replaces the journal with an empty one — a crash between the last two leaves a journal whose
 * lines, applied again onto the new state.json, change nothing.
 */
export class RunStore {
  readonly state: RunState;
  private readonly paths: ReturnType<typeof runPaths>;
  private readonly listener: ((event: RunEvent) => void) | undefined;
  /** events.jsonl, open for appending; dropped after a failed write (no line is glued onto a torn one). */
  private events: FileHandle | undefined;
  private version = 0;
  private written = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Why state.json could not be written (disk full, permissions); the run cannot go on without it. */
  private failure: TappsError | undefined;
  /** `"<id>":<step JSON>` of each step as last written; dropped when a field of the step is assigned. */
  private readonly encodedSteps = new Map<string, Uint8Array>();
  /** Steps changed since the last journal line. */
  private readonly changedSteps = new Set<string>();
  /** The open journal (appended with O_APPEND), and how many bytes it holds. */
  private journal: FileHandle | undefined;
  private journalBytes = 0;
  private stateBytes = 0;
  /** Until state.json is written once by this store, every write is a compaction (a resumed run starts afresh). */
  private compacted = false;

  /** Every timestamp of the run (updated_at, event times, step times) is taken from it. */
  readonly clock: Clock;

  constructor(projectRoot: string, state: RunState, listener?: (event: RunEvent) => void, clock: Clock = systemClock) {
    this.paths = runPaths(projectRoot, state.run_id);
    this.listener = listener;
    this.clock = clock;
    const watched = (id: string, step: StepState): StepState =>
      new Proxy(step, {
        set: (target, field, value) => {
          this.stepEdited(id);
          return Reflect.set(target, field, value);
        },
        deleteProperty: (target, field) => {
          this.stepEdited(id);
          return Reflect.deleteProperty(target, field);
        },
      });
    const steps: Record<string, StepState> = {};
    for (const [id, step] of Object.entries(state.steps)) steps[id] = watched(id, step);
    state.steps = new Proxy(steps, {
      set: (target, id, value: StepState) => {
        if (typeof id !== 'string') return Reflect.set(target, id, value);
        this.stepEdited(id);
        return Reflect.set(target, id, watched(id, value));
      },
      deleteProperty: (target, id) => {
        if (typeof id === 'string') {
          this.encodedSteps.delete(id);
          // A journal line cannot say "removed": the next write is a compaction.
          this.compacted = false;
        }
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
    this.events = handle;
    if (lead !== '') this.writeEvents(lead);
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
    this.writeEvents(`${JSON.stringify(event)}\n`);
    this.listener?.(event);
    return event;
  }

  /**
   * Appends to events.jsonl synchronously (the page cache, microseconds; a round trip through the thread pool cost
   * more CPU than the event). Best effort, as the log always was: after a failed write the log is closed and the run
   * goes on.
   */
  private writeEvents(text: string): void {
    const events = this.events;
    if (events === undefined) return;
    try {
      writeFileSync(events.fd, text);
    } catch {
      this.events = undefined;
      void events.close().catch(() => undefined);
    }
  }

  /** Writes what is pending, folds the journal into state.json (which alone is then complete), closes the logs. */
  async close(): Promise<void> {
    try {
      await this.flush();
      // Nothing is pending after the flush: state.json encoded now equals the journal's end. (No journal: the store
      // never wrote, or could not.) The fold only tidies: the journal already holds the run's end durably, and every
      // reader applies it, so a fold that fails (a full disk) leaves state.json and its journal as they are, the
      // outcome saved — saying "could not save" then would send the user to resume a run that has ended.
      if (this.journal !== undefined && this.failure === undefined) {
        const snapshot = this.encode();
        await this.foldJournal(snapshot, true).catch(() => undefined);
      }
    } finally {
      await this.journal?.close().catch(() => undefined);
      this.journal = undefined;
      // The events written so far reach the file even when state.json could not be saved.
      const events = this.events;
      this.events = undefined;
      await events?.close().catch(() => undefined);
    }
  }

  /** Step `id` changed: re-encode it, and name it in the next journal line. */
  private stepEdited(id: string): void {
    this.encodedSteps.delete(id);
    this.changedSteps.add(id);
  }

  /** Writes until the durable state is current. Never rejects: a deferred write has nobody awaiting it; flush reports it. */
  private async writeLoop(): Promise<void> {
    await this.guarded(async () => {
      while (this.written < this.version) {
        const version = this.version;
        // The line is encoded now, in one piece with the version it stands for (changes made while it is written
        // belong to the next line).
        const line = this.journalLine(!this.compacted);
        // A compaction's state.json is encoded with the line, so that it equals the journal's end (see the class).
        const compact = !this.compacted || this.journalBytes + line.length > Math.max(MIN_COMPACT_BYTES, this.stateBytes * COMPACT_SHARE);
        const snapshot = compact ? this.encode() : undefined;
        await this.appendToJournal(line);
        if (snapshot !== undefined) await this.foldJournal(snapshot, false);
        this.written = version;
      }
    });
    this.writing = undefined;
  }

  /** Runs a write; a failure becomes {@link failure} (STORAGE_FAILED naming state.json) instead of a rejection. */
  private async guarded(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      // In words: the atomic write says why itself; a journal append's errno is put the same way (storage-error.ts).
      const reason = TappsError.is(error) && typeof error.details.reason === 'string' ? error.details.reason : (storageReason(error) ?? (error as Error).message);
      this.failure = new TappsError(
        'STORAGE_FAILED',
        `Could not save the state of run ${this.state.run_id} to ${this.paths.state}: ${reason}. The run stopped; what was saved before is intact. Free some space (or fix the cause), then continue with "tapps-agents workflow resume ${this.state.run_id}".`,
        { cause: error },
      );
    }
  }

  /** One journal line: the run's own fields, and the steps changed since the last line (`all`: every step). */
  private journalLine(all: boolean): Buffer {
    const ids = all ? Object.keys(this.state.steps) : [...this.changedSteps];
    this.changedSteps.clear();
    const parts: Uint8Array[] = [Buffer.from(`{"head":${this.encodeHead()},"steps":{`)];
    ids.forEach((id, index) => {
      if (index > 0) parts.push(COMMA);
      parts.push(this.encodeStep(id));
    });
    parts.push(END);
    return Buffer.concat(parts);
  }

  /** Appends `line` to the journal (opened on first use, on a fresh line after a torn one) and waits for the disk. */
  private async appendToJournal(line: Buffer): Promise<void> {
    if (this.journal === undefined) {
      const { handle, lead } = await openForAppend(this.paths.journal, { mode: 0o600, dirMode: 0o700 });
      this.journal = handle;
      this.journalBytes = (await handle.stat()).size;
      if (lead !== '') this.writeWhole(Buffer.from(lead));
    }
    this.writeWhole(line);
    // The data alone must be durable (fdatasync): the size is metadata a reader needs, and it is part of it.
    await this.journal.datasync();
  }

  /**
   * Writes all of `bytes` to the journal: a short write (a full disk) goes on, failing with the real error.
   * Synchronous, to the page cache; the fdatasync after it is what waits for the device, through the thread pool.
   */
  private writeWhole(bytes: Buffer): void {
    const journal = this.journal as FileHandle;
    let offset = 0;
    while (offset < bytes.length) {
      const bytesWritten = writeSync(journal.fd, bytes, offset);
      offset += bytesWritten;
      this.journalBytes += bytesWritten;
    }
  }

  /**
   * Writes `snapshot` as state.json — the state at the journal's end, encoded when its last line was — then replaces
   * the journal with an empty one, or, when the run is closing, removes it.
   */
  private async foldJournal(snapshot: Uint8Array[], closing: boolean): Promise<void> {
    await writeFileAtomically(this.paths.state, snapshot);
    this.stateBytes = snapshot.reduce((sum, piece) => sum + piece.byteLength, 0);
    this.compacted = true;
    const old = this.journal;
    this.journal = undefined;
    await old?.close();
    if (closing) {
      await unlink(this.paths.journal).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      });
      return;
    }
    // Replaced by a rename, never truncated: a reader sees a new inode and knows state.json changed under it.
    const fresh = `${this.paths.journal}.${process.pid}.tmp`;
    const handle = await open(fresh, FRESH_JOURNAL_FLAGS, 0o600);
    try {
      await rename(fresh, this.paths.journal);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    this.journal = handle;
    this.journalBytes = 0;
  }

  /**
   * state.json's bytes, in pieces written together: the same JSON as `JSON.stringify(state)`, re-encoding only the
   * steps changed since last time (and not copied into one buffer: copying a thousand pieces cost as much as encoding).
   */
  private encode(): Uint8Array[] {
    const headJson = this.encodeHead();
    const parts: Uint8Array[] = [Buffer.from(`${headJson.slice(0, -1)}${headJson === '{}' ? '' : ','}"steps":{`)];
    let first = true;
    for (const id of Object.keys(this.state.steps)) {
      if (!first) parts.push(COMMA);
      parts.push(this.encodeStep(id));
      first = false;
    }
    parts.push(END);
    return parts;
  }

  /** The run's fields but its steps, as JSON. */
  private encodeHead(): string {
    const { steps: _steps, ...head } = this.state;
    // Params stay as given (a resume runs with them, like the run's copy of the workflow file); the rest is redacted.
    return JSON.stringify({ ...redactValue(head), params: head.params });
  }

  /** `"<id>":<step JSON>`, encoded again only when the step changed. */
  private encodeStep(id: string): Uint8Array {
    let encoded = this.encodedSteps.get(id);
    if (encoded === undefined) {
      // Its own exact-size bytes, never a slice of Buffer's shared 8 KB pool: a kept slice keeps its whole slab, and
      // with every step's piece kept for compaction that was up to 8 KB a step (30 MB of a 10,000-step run).
      encoded = UTF8.encode(`${JSON.stringify(id)}:${JSON.stringify(redactValue(this.state.steps[id]))}`);
      this.encodedSteps.set(id, encoded);
    }
    return encoded;
  }
}

/** The empty journal a compaction starts (appended to from then on; never through a link). */
const FRESH_JOURNAL_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
const COMMA = Buffer.from(',');
const UTF8 = new TextEncoder();
const END = Buffer.from('}}\n');
