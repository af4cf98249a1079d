// The observer's logger: pino JSON lines in `.tapps-agents/logs/<actor>.log` while debug mode is on, nothing otherwise.
// The switch is re-read at most once a second, so `auto-execution debug on` reaches a runner that is already running.

import { lstatSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import { createDebugSwitch, type DebugSwitch } from './debug-mode.js';
import { DIR_MODE, FILE_MODE, observabilityPaths } from './layout.js';
import type { Logger } from './observer.js';
import { redactValue } from '../redaction/redact.js';

/** Options of {@link createDebugLogger}. */
export interface DebugLoggerOptions {
  /** Names the log file: "executor" or "runner-<id>". @default "executor" */
  actor?: string;
  /** The debug switch to follow. @default one reading the project's debug.json */
  debugSwitch?: DebugSwitch;
}

/** A logger that does nothing: what the observer uses when there is nowhere to log. */
export const noopLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A logger writing pino JSON lines (secrets redacted) to `.tapps-agents/logs/<actor>.log` while debug mode is on.
 * It never throws: a log file that cannot be written is given up on silently (logging must not break a run).
 */
export function createDebugLogger(projectRoot: string, options: DebugLoggerOptions = {}): Logger {
  const actor = sanitize(options.actor ?? 'executor');
  const debugSwitch = options.debugSwitch ?? createDebugSwitch(projectRoot);
  let target: PinoLogger | null | undefined; // undefined: not opened yet; null: could not be opened

  function active(): PinoLogger | null {
    if (!debugSwitch.enabled()) return null;
    if (target === undefined) target = open(projectRoot, actor);
    return target;
  }

  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    try {
      const logger = active();
      if (logger === null) return;
      if (fields === undefined) logger[level](redactValue(message));
      else logger[level](redactValue(fields), redactValue(message));
    } catch {
      // Logging never breaks the caller.
    }
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** pino is loaded only when debug mode is on: it is ~30 files, ~60 ms of every command's start otherwise. */
const require = createRequire(import.meta.url);

function open(projectRoot: string, actor: string): PinoLogger | null {
  try {
    const { pino } = require('pino') as typeof import('pino');
    const dir = observabilityPaths(projectRoot).logsDir;
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    // Synchronous writes: a debug log must hold the last lines before a crash.
    const file = path.join(dir, `${actor}.log`);
    // Opening a FIFO for writing would wait for a reader forever; a log that is not a regular file is given up on.
    const existing = lstatSync(file, { throwIfNoEntry: false });
    if (existing !== undefined && !existing.isFile()) return null;
    const destination = pino.destination({ dest: file, append: true, sync: true, mode: FILE_MODE });
    return pino({ level: 'debug', base: { pid: process.pid, actor }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  } catch {
    return null;
  }
}

/** Keeps a log file name to letters, digits, dot, dash and underscore. */
function sanitize(actor: string): string {
  return actor.replace(/[^A-Za-z0-9._-]/g, '-');
}
