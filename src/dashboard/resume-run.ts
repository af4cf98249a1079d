// Resume from the dashboard: the dashboard starts `tapps-agents workflow resume <run>` itself, detached, so the run
// continues exactly as from a terminal (same checks, same executor, same progress in events.jsonl) and outlives the
// dashboard. Its output goes to dashboard-resume.log in the run's directory.

import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, TappsError, type ErrorCode } from '../errors.js';
import { packageFile } from '../package-files.js';
import { runPaths } from '../protocol/run-paths.js';
import { readRunState } from '../workflow/run-state.js';
import { readFile } from 'node:fs/promises';

/** What a resume from the dashboard did. */
export interface ResumeReport {
  run_id: string;
  pid: number;
  log_file: string;
}

/** How long the started process has to take the run over (or fail) before the request gives up waiting. */
const TAKEOVER_MS = 20_000;

/**
 * Starts `workflow resume` for `runId` and waits until its process is the run's executor (resolves) or exits first
 * (rejects with what it printed, e.g. "Run … already succeeded").
 * @throws {TappsError} what the command reported (its code as named in its --json error), TIMEOUT when neither
 *   happened in time.
 */
export async function resumeFromDashboard(projectRoot: string, runId: string): Promise<ResumeReport> {
  const paths = runPaths(projectRoot, runId);
  await readRunState(projectRoot, runId);
  const logFile = path.join(paths.dir, 'dashboard-resume.log');
  const fd = openSync(logFile, 'a', 0o600);
  // Where this attempt's output starts in the log (earlier resumes wrote before it).
  const start = fstatSync(fd).size;
  const child = spawn(process.execPath, [packageFile('bin', 'tapps-agents.js'), '-C', projectRoot, 'workflow', 'resume', runId, '--json'], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, NO_COLOR: '1' },
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new TappsError('CONFLICT', `Could not start "tapps-agents workflow resume ${runId}"`);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + TAKEOVER_MS;
  try {
    while (Date.now() < deadline) {
      if (exited !== undefined) throw await failureOf(logFile, start, runId, exited);
      const state = await readRunState(projectRoot, runId).catch(() => undefined);
      if (state?.executor.pid === pid) return { run_id: runId, pid, log_file: logFile };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new TappsError('TIMEOUT', `"tapps-agents workflow resume ${runId}" (pid ${pid}) did not take the run over within ${TAKEOVER_MS / 1000} s; see ${logFile}`);
  } finally {
    // The resumed run outlives the dashboard.
    child.unref();
  }
}

/** The error the resume command printed (its --json error document, after `start` in the log), as a TappsError. */
async function failureOf(logFile: string, start: number, runId: string, code: number | null): Promise<TappsError> {
  const output = (await readFile(logFile).catch(() => Buffer.alloc(0))).subarray(start).toString('utf8');
  const at = output.lastIndexOf('{\n  "error"');
  if (at >= 0) {
    try {
      const { error } = JSON.parse(output.slice(at)) as { error: { code?: string; message: string; details?: Record<string, unknown> } };
      return new TappsError(ERROR_CODES.includes(error.code as ErrorCode) ? (error.code as ErrorCode) : 'CONFLICT', error.message, { details: error.details ?? {} });
    } catch {
      // not the CLI's error document: reported as below
    }
  }
  return new TappsError('CONFLICT', `"tapps-agents workflow resume ${runId}" exited with code ${String(code)}; see ${logFile}`);
}
