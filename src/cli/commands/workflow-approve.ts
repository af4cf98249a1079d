// `tapps-agents workflow approve|reject <run-id> <step-id> [--comment TEXT]`: decide a waiting approval step.

import type { Command } from 'commander';
import { decideApproval } from '../../workflow/run-control.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, printLines } from '../output.js';

export function workflowApproveCommand(runId: string, stepId: string, flags: { comment?: string; json?: boolean }, command: Command): Promise<number> {
  return decide('approved', runId, stepId, flags, command);
}

export function workflowRejectCommand(runId: string, stepId: string, flags: { comment?: string; json?: boolean }, command: Command): Promise<number> {
  return decide('rejected', runId, stepId, flags, command);
}

async function decide(decision: 'approved' | 'rejected', runId: string, stepId: string, flags: { comment?: string; json?: boolean }, command: Command): Promise<number> {
  const report = await decideApproval(projectRootOf(command), runId, stepId, decision, flags.comment);
  if (flags.json === true) printJson(report);
  else {
    printLines(`Step "${stepId}" of run ${runId} ${decision}.`);
    if (report.needs_resume) printLines(`No executor is running this run; continue it with: tapps-agents workflow resume ${runId}`);
  }
  return EXIT.OK;
}
