// Where a run's durable files live: .tapps-agents/workflow-state/<run-id>/{state.json, events.jsonl, workflow.yaml,
// approvals/<step-id>.json, steps/<step-id>/}. Run ids are `<workflow-id>-<UTC yyyymmddThhmmssZ>-<4 hex>`.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TappsError } from '../errors.js';

/** The directory holding every run of a project. */
export function workflowStateRoot(projectRoot: string): string {
  return path.join(projectRoot, '.tapps-agents', 'workflow-state');
}

/** The files of one run. */
export function runPaths(projectRoot: string, runId: string) {
  const dir = path.join(workflowStateRoot(projectRoot), runId);
  return {
    dir,
    state: path.join(dir, 'state.json'),
    events: path.join(dir, 'events.jsonl'),
    /** A copy of the workflow file as it was at the start, so a resume runs the same definition. */
    workflow: path.join(dir, 'workflow.yaml'),
    approvals: path.join(dir, 'approvals'),
    approval: (stepId: string) => path.join(dir, 'approvals', `${stepId}.json`),
    steps: path.join(dir, 'steps'),
  };
}

/**
 * The step's own directory under the run (`.tapps-agents/workflow-state/<run-id>/steps/<step-id>/`): the place for
 * its log, and for a transport's command and status files when the step has no worktree.
 */
export function stepStateDir(projectRoot: string, runId: string, stepId: string): string {
  return path.join(runPaths(projectRoot, runId).steps, stepId);
}

/** A new run id for `workflowId` at `now`. */
export function newRunId(workflowId: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${workflowId}-${stamp}-${randomBytes(2).toString('hex')}`;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks a run id given on the command line (it becomes a directory name).
 * @throws {TappsError} USAGE when it could escape the state directory.
 */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId) || runId.includes('..')) {
    throw new TappsError('USAGE', `Invalid run id ${JSON.stringify(runId)}: use the id printed by "workflow execute" or "workflow list"`);
  }
  return runId;
}
