// The expected-artifact check, the same on every transport: a step that says it succeeded must have written each of
// its expected artifacts (`creates:`, a model action's target) during the attempt. docs/decisions.md says why the
// slack is one second and why a miss is retryable.

import { statSync } from 'node:fs';
import path from 'node:path';
import { stepError, type StepError } from '../step-errors.js';

/**
 * How much older than the attempt's start a file may look and still count as written by it: a file system's clock for
 * timestamps is coarser than Date.now() (Linux stamps files from a clock that lags by up to a tick; HFS+ and FAT keep
 * whole or even seconds).
 */
export const ARTIFACT_MTIME_SLACK_MS = 1000;

/** Expected artifacts (relative to `workDir`) that do not exist, or were not written during the attempt. */
export function missingArtifacts(workDir: string, expected: readonly string[], sinceMs: number): string[] {
  return expected.filter((file) => {
    // Synchronous, as the write boundary's stats: answered from the inode cache in microseconds, after every
    // successful step (docs/decisions.md, "Those stats are synchronous").
    let info;
    try {
      info = statSync(path.resolve(workDir, file), { throwIfNoEntry: false });
    } catch {
      info = undefined;
    }
    return info === undefined || info.mtimeMs < sinceMs - ARTIFACT_MTIME_SLACK_MS;
  });
}

/** The step error for `missing` artifacts, expected in `workDir`. */
export function artifactsMissingError(missing: readonly string[], workDir: string): StepError {
  return stepError('ARTIFACT_MISSING', `Step finished but did not create ${missing.map((file) => JSON.stringify(file)).join(', ')} (expected in ${workDir}, written during the attempt)`);
}
