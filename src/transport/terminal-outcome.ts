// What a terminal status file means for the attempt: its outcome, with the expected-artifact check when artifact
// detection is on, and the attempt's own times (a result adopted on resume took as long as it ran, not as long as the
// adoption).

import { artifactsMissingError, missingArtifacts } from './expected-artifacts.js';
import { stepError, type StepErrorCode } from '../step-errors.js';
import type { StatusReport } from '../protocol/status-file.js';
import type { AttemptOutcome, StepAttempt } from './transport.js';

/** An outcome whose times the caller fills in (or keeps from the status). */
export type PartialOutcome = Omit<AttemptOutcome, 'startedAt' | 'completedAt'> & { startedAt?: string; completedAt?: string };

/** The outcome of a terminal `report` of `attempt`, dispatched at `startMs`. */
export function terminalOutcome(report: StatusReport, attempt: StepAttempt, startMs: number, artifactDetection: boolean): PartialOutcome {
  const base = {
    outputs: report.outputs,
    artifacts: report.artifacts,
    ...(report.output === undefined ? {} : { output: report.output }),
    ...(report.usage === undefined ? {} : { usage: report.usage }),
    startedAt: report.startedAt ?? new Date(startMs).toISOString(),
    ...(report.completedAt === undefined ? {} : { completedAt: report.completedAt }),
  };
  if (report.status === 'failed') {
    // A runner's own deadline is a timeout, labelled as such in metrics like the executor's (history --status timeout).
    const status = report.error?.code === 'TIMEOUT' ? 'timeout' : 'failed';
    return { ...base, status, error: report.error ?? { code: 'FAILED', message: 'The background agent reported failure without a reason', retryable: false } };
  }
  if (artifactDetection && attempt.expectedArtifacts.length > 0) {
    const missing = missingArtifacts(attempt.stepDir, attempt.expectedArtifacts, startMs);
    if (missing.length > 0) {
      return { ...base, status: 'failed', error: artifactsMissingError(missing, attempt.stepDir) };
    }
  }
  return { ...base, status: 'success', artifacts: report.artifacts.length > 0 ? report.artifacts : attempt.expectedArtifacts };
}

/** A failed outcome with no outputs. */
export function failedOutcome(code: StepErrorCode, message: string, retryable: boolean): PartialOutcome {
  return { status: 'failed', outputs: {}, artifacts: [], error: stepError(code, message, retryable) };
}
