// Approval decisions: `workflow approve|reject` writes approvals/<step-id>.json in the run directory; the waiting
// executor watches that directory (fs.watch as a hint, a periodic re-read as the source of truth). A decision
// written while no executor runs is picked up by `workflow resume`.

import { watch } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { writeFileAtomically } from '../fs/atomic-write.js';
import { isoNow, systemClock, type Clock } from './clock.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';
import { readRegularFile } from '../fs/read-regular-file.js';

/** The content of a decision file. */
export interface ApprovalDecision {
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
  comment?: string;
}

/** Writes a decision atomically (0600), stamped with `clock`'s now. */
export async function writeApprovalDecision(file: string, decision: 'approved' | 'rejected', comment?: string, clock: Clock = systemClock): Promise<ApprovalDecision> {
  const record: ApprovalDecision = { decision, by: safeUser(), at: isoNow(clock), ...(comment === undefined ? {} : { comment }) };
  await writeFileAtomically(file, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** The decision in `file`, or undefined when none (or an unreadable one) is there yet. */
export async function readApprovalDecision(file: string): Promise<ApprovalDecision | undefined> {
  try {
    const value = JSON.parse(await readRegularFile(file)) as Record<string, unknown>;
    if (value.decision !== 'approved' && value.decision !== 'rejected') return undefined;
    const text = (field: unknown, fallback: string) => (typeof field === 'string' ? field : fallback);
    return { decision: value.decision, by: text(value.by, 'unknown'), at: text(value.at, ''), ...(typeof value.comment === 'string' ? { comment: value.comment } : {}) };
  } catch {
    return undefined;
  }
}

/** How often the decision file is re-read even without a watch event. */
const RESCAN_MS = 1000;

/**
 * Waits for a decision in `file`. Resolves `undefined` when `deadline` (epoch ms) passes or `signal` aborts.
 */
export async function waitForApproval(file: string, clock: Clock, signal: AbortSignal, deadline?: number): Promise<ApprovalDecision | undefined> {
  await makeDirectoryInside(path.dirname(file), 0o700);
  let wake = new AbortController();
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(path.dirname(file), () => wake.abort());
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined; // the rescan still finds the decision
  }
  try {
    for (;;) {
      const decision = await readApprovalDecision(file);
      if (decision !== undefined || signal.aborted) return decision;
      const left = deadline === undefined ? RESCAN_MS : Math.min(RESCAN_MS, deadline - clock.now());
      if (left <= 0) return undefined;
      const tick = AbortSignal.any([signal, wake.signal]);
      await clock.sleep(left, tick);
      // One wake per event burst: re-arm for the next one.
      if (wake.signal.aborted) wake = new AbortController();
    }
  } finally {
    watcher?.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
