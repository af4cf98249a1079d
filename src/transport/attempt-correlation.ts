// An attempt's correlation: whether a status file or a command file belongs to the attempt, and its ids for audit events.

import type { CommandFile } from '../protocol/command-file.js';
import type { StatusReport } from '../protocol/status-file.js';
import type { StepAttempt } from './transport.js';

/**
 * Does a status answer this attempt? `match`; `other-attempt` when it names a different correlation; `stale` when it
 * names none that could tell (the original's shapes) and was written before the attempt started.
 */
export function matchStatus(report: StatusReport, mtimeMs: number, attempt: StepAttempt, startMs: number): 'match' | 'other-attempt' | 'stale' {
  const found = report.correlation;
  const want = attempt.correlation;
  if (found.run_id !== undefined || found.attempt !== undefined) return statusOfAttempt(report, attempt) ? 'match' : 'other-attempt';
  if (found.workflow_id !== undefined && found.workflow_id !== want.workflow_id && found.workflow_id !== want.run_id) return 'other-attempt';
  if (found.step_id !== undefined && found.step_id !== want.step_id) return 'other-attempt';
  return mtimeMs + 1 >= startMs ? 'match' : 'stale';
}

/** True when the status names exactly this attempt. */
export function statusOfAttempt(report: StatusReport, attempt: StepAttempt): boolean {
  return sameCorrelation(report.correlation, attempt);
}

/** True when the command file is this attempt's. */
export function commandOfAttempt(command: CommandFile, attempt: StepAttempt): boolean {
  return sameCorrelation(command.correlation, attempt);
}

function sameCorrelation(found: { workflow_id?: string | null | undefined; run_id?: string | undefined; step_id?: string | null | undefined; attempt?: number | undefined }, attempt: StepAttempt): boolean {
  const want = attempt.correlation;
  return found.workflow_id === want.workflow_id && found.run_id === want.run_id && found.step_id === want.step_id && found.attempt === want.attempt;
}

/** The attempt's ids, as audit events carry them. */
export function auditIds(attempt: StepAttempt): { workflow_id: string; run_id: string; step_id: string; attempt: number } {
  const { workflow_id, run_id, step_id, attempt: number } = attempt.correlation;
  return { workflow_id, run_id, step_id, attempt: number };
}
