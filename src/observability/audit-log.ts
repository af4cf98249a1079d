// The audit log: `.tapps-agents/audit/execution_audit.jsonl`, one JSON event per line, rotated at 10 MiB keeping five
// backups (`.1` newest … `.5` oldest), and queried newest first across the current file and its backups.
//
// Appends take no lock: each is one O_APPEND write, so lines from several processes never interleave. Rotation takes
// a small lock (proper-lockfile, a directory beside the log) and re-checks the size under it, so two processes that
// both see a full log rotate once. An append racing a rotation lands at the end of `.1` instead of the new file: never
// lost, never torn.
//
// Appends of one process go through one descriptor kept open while events keep coming (closed after a second of
// quiet), in order; lines that queue up while a write is in flight go out together in the next write
// (src/fs/append-file.ts, createAppendWriter). Per event that is a stat (size for rotation, and whether another process
// rotated the file away) and a write, instead of mkdir, stat, open, write and close: the audit log was a third of a
// workflow step's file-system calls.

import { rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { createAppendWriter } from '../fs/append-file.js';
import { newestMatching } from './jsonl-reverse.js';
import { DIR_MODE, FILE_MODE, observabilityPaths } from './layout.js';
import { AUDIT_EVENTS, type AuditEvent, type AuditEventName } from './observer.js';
import { redactValue } from '../redaction/redact.js';

/** Rotate when the log would grow past this many bytes. @default 10 MiB */
export const AUDIT_MAX_BYTES = 10 * 1024 * 1024;
/** Backups kept after rotation. @default 5 */
export const AUDIT_BACKUPS = 5;

/** Options of {@link createAuditLog}; tests use a small size. */
export interface AuditLogOptions {
  /** @default AUDIT_MAX_BYTES */
  maxBytes?: number;
  /** @default AUDIT_BACKUPS */
  backups?: number;
}

/** What an audit query keeps. */
export interface AuditQuery {
  event?: AuditEventName;
  workflowId?: string;
  runId?: string;
  stepId?: string;
  /** Events at or after this time. */
  since?: Date;
  /** Most events returned. @default 100 */
  limit?: number;
}

/** Matching events, newest first, and the unreadable lines met. */
export interface AuditQueryResult {
  events: AuditEvent[];
  /** Corrupt or torn lines skipped, by file name. */
  unreadable: Record<string, number>;
}

/** A project's audit log. */
export interface AuditLog {
  readonly file: string;
  /** Appends one event (strings redacted), rotating first when the log is full. */
  append(event: Omit<AuditEvent, 'schemaVersion' | 'ts'>, now?: Date): Promise<AuditEvent>;
  /** Events newest first across the log and its backups. */
  query(query?: AuditQuery): Promise<AuditQueryResult>;
  /** The log and its backups, newest first (existing or not). */
  files(): string[];
  /** Closes the descriptor kept open between appends (also closed by itself after a second of quiet). */
  close(): Promise<void>;
}

const EVENT_SET: ReadonlySet<string> = new Set(AUDIT_EVENTS);

/** The audit log of the project at `projectRoot`. Nothing is created until the first append. */
export function createAuditLog(projectRoot: string, options: AuditLogOptions = {}): AuditLog {
  const file = observabilityPaths(projectRoot).auditFile;
  const maxBytes = options.maxBytes ?? AUDIT_MAX_BYTES;
  const backups = options.backups ?? AUDIT_BACKUPS;
  const files = () => [file, ...Array.from({ length: backups }, (_, index) => `${file}.${index + 1}`)];

  async function rotateIfFull(incoming: number): Promise<void> {
    if ((await sizeOf(file)) + incoming <= maxBytes) return;
    // Loaded only to rotate: most processes never do, and it is ~35 ms of start-up.
    const { default: lockfile } = await import('proper-lockfile');
    const release = await lockfile.lock(path.dirname(file), {
      lockfilePath: `${file}.rotate.lock`,
      realpath: false,
      stale: 10_000,
      retries: { retries: 50, minTimeout: 10, maxTimeout: 200 },
    });
    try {
      // Another process may have rotated while this one waited for the lock.
      if ((await sizeOf(file)) + incoming <= maxBytes) return;
      const all = files();
      await unlink(all[all.length - 1] as string).catch(ignoreMissing);
      for (let index = all.length - 2; index >= 0; index--) {
        await rename(all[index] as string, all[index + 1] as string).catch(ignoreMissing);
      }
    } finally {
      await release();
    }
  }

  // Never through a link out of the project; a torn last line gets its newline before the next event.
  const writer = createAppendWriter({
    mode: FILE_MODE,
    dirMode: DIR_MODE,
    full: (info, bytes) => info.size + bytes > maxBytes,
    rotate: rotateIfFull,
  });

  return {
    file,
    files,
    append(input, now = new Date()) {
      const event: AuditEvent = redactValue({ schemaVersion: 1, ts: now.toISOString(), ...input });
      return writer.append(file, `${JSON.stringify(event)}\n`).then(() => event);
    },
    close: () => writer.close(),
    async query(query = {}) {
      const { found, unreadable } = await newestMatching(files(), parseAuditEvent, (event) => matchesAuditQuery(event, query), query.limit ?? 100);
      return { events: found, unreadable };
    },
  };
}

/**
 * Checks `--event` text against the audit event names.
 * @throws {TappsError} USAGE when it is not one of AUDIT_EVENTS.
 */
export function parseAuditEventName(text: string): AuditEventName {
  if (EVENT_SET.has(text)) return text as AuditEventName;
  throw new TappsError('USAGE', `--event expects one of ${AUDIT_EVENTS.join(', ')}, got "${text}"`);
}

/** Parses one audit line; undefined when it is not an audit event. */
export function parseAuditEvent(line: string): AuditEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  return typeof event.ts === 'string' && typeof event.event === 'string' && EVENT_SET.has(event.event) ? (value as AuditEvent) : undefined;
}

function matchesAuditQuery(event: AuditEvent, query: AuditQuery): boolean {
  if (query.event !== undefined && event.event !== query.event) return false;
  if (query.workflowId !== undefined && event.workflow_id !== query.workflowId) return false;
  if (query.runId !== undefined && event.run_id !== query.runId) return false;
  if (query.stepId !== undefined && event.step_id !== query.stepId) return false;
  if (query.since !== undefined && Date.parse(event.ts) < query.since.getTime()) return false;
  return true;
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file).catch(ignoreMissing))?.size ?? 0;
}

/** For `.catch`: a missing file is undefined; any other error is rethrown. */
function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  return undefined;
}
