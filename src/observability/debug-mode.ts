// Debug mode, persisted in `.tapps-agents/debug.json` so that every process of the project (executor, runner) sees it.

import { writeFileAtomically } from '../fs/atomic-write.js';
import { displayPath } from '../text/display-path.js';
import { DIR_MODE, FILE_MODE, observabilityPaths } from './layout.js';
import { readRegularFile, readRegularFileSync } from '../fs/read-regular-file.js';

/** The debug switch as stored. */
export interface DebugState {
  enabled: boolean;
  /** When it was last switched (ISO-8601), or null when never. */
  since: string | null;
}

/** What `auto-execution debug status` reports. */
export interface DebugReport extends DebugState {
  /** Where verbose logs go: `.tapps-agents/logs/<actor>.log` (executor.log, runner-<id>.log). */
  log_dir: string;
  /** The settings file. */
  file: string;
}

const OFF: DebugState = { enabled: false, since: null };

/** Reads the debug state; a missing or unreadable file means off. Synchronous: it is tiny and read at most once a second. */
export function readDebugStateSync(projectRoot: string): DebugState {
  try {
    return toState(JSON.parse(readRegularFileSync(observabilityPaths(projectRoot).debugFile)));
  } catch {
    return OFF;
  }
}

/** How often a {@link DebugSwitch} re-reads the file. */
export const DEBUG_RECHECK_MS = 1000;

/** The debug switch as a long-running process sees it: re-read at most once a second. */
export interface DebugSwitch {
  enabled(): boolean;
}

/** A switch that follows `auto-execution debug on|off` while the process runs. */
export function createDebugSwitch(projectRoot: string, now: () => number = Date.now): DebugSwitch {
  let checkedAt = -Infinity;
  let enabled = false;
  return {
    enabled() {
      if (now() - checkedAt >= DEBUG_RECHECK_MS) {
        checkedAt = now();
        enabled = readDebugStateSync(projectRoot).enabled;
      }
      return enabled;
    },
  };
}

/** Reads the debug state with where logs go. */
export async function debugStatus(projectRoot: string): Promise<DebugReport> {
  const paths = observabilityPaths(projectRoot);
  let state = OFF;
  try {
    state = toState(JSON.parse(await readRegularFile(paths.debugFile)));
  } catch {
    // Missing or corrupt: off (a corrupt file is rewritten by the next on/off).
  }
  return { ...state, log_dir: displayPath(paths.logsDir), file: displayPath(paths.debugFile) };
}

/** Turns debug mode on or off for every process of the project, and returns the new state. */
export async function setDebugMode(projectRoot: string, enabled: boolean, now: Date = new Date()): Promise<DebugReport> {
  const paths = observabilityPaths(projectRoot);
  const state: DebugState = { enabled, since: now.toISOString() };
  await writeFileAtomically(paths.debugFile, `${JSON.stringify({ schemaVersion: 1, ...state }, null, 2)}\n`, { mode: FILE_MODE, dirMode: DIR_MODE });
  return { ...state, log_dir: displayPath(paths.logsDir), file: displayPath(paths.debugFile) };
}

function toState(value: unknown): DebugState {
  if (typeof value !== 'object' || value === null) return OFF;
  const record = value as Record<string, unknown>;
  return { enabled: record.enabled === true, since: typeof record.since === 'string' ? record.since : null };
}
