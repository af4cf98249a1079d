// Where a run's durable files live: .tapps-agents/workflow-state/<run-id>/{state.json, state.journal.jsonl, events.jsonl, workflow.yaml,
// approvals/<step-id>.json, steps/<step-id>/}. Run ids are `<workflow-id>-<UTC yyyymmddThhmmssZ>-<4 hex>`.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { joinInside } from '../fs/path-inside.js';
import { checkId } from '../ids.js';

/** The directory holding every run of a project. */
export function workflowStateRoot(projectRoot: string): string {
  return path.join(projectRoot, '.tapps-agents', 'workflow-state');
}

/**
 * The files of one run. Every path built from an id goes through {@link joinInside}, so an id that slipped past
 * validation still cannot name a place outside the run.
 * @throws {TappsError} USAGE for an invalid run id (or step id, for `approval`).
 */
export function runPaths(projectRoot: string, runId: string) {
  const dir = joinInside(workflowStateRoot(projectRoot), checkRunId(runId));
  return {
    dir,
    state: path.join(dir, 'state.json'),
    /** Changes of a live run not yet folded into state.json (run-state-journal.ts); none once the run has ended. */
    journal: path.join(dir, 'state.journal.jsonl'),
    events: path.join(dir, 'events.jsonl'),
    /** A copy of the workflow file as it was at the start, so a resume runs the same definition. */
    workflow: path.join(dir, 'workflow.yaml'),
    approvals: path.join(dir, 'approvals'),
    approval: (stepId: string) => joinInside(path.join(dir, 'approvals'), `${checkStepId(stepId)}.json`),
    steps: path.join(dir, 'steps'),
  };
}

/**
 * The step's own directory under the run (`.tapps-agents/workflow-state/<run-id>/steps/<step-id>/`): the place for
 * its log, and for a transport's command and status files when the step has no worktree.
 */
export function stepStateDir(projectRoot: string, runId: string, stepId: string): string {
  return joinInside(runPaths(projectRoot, runId).steps, checkStepId(stepId));
}

/** A new run id for `workflowId` at `now`. */
export function newRunId(workflowId: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${workflowId}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Checks a run id (given on the command line or read from a file; it becomes a directory name).
 * @throws {TappsError} USAGE saying what a run id may be.
 */
export function checkRunId(runId: string): string {
  return checkId('run id', runId, 'use the id printed by "workflow execute" or "workflow list"');
}

/**
 * Checks a step id (given on the command line or read from a file; it becomes a file or directory name).
 * @throws {TappsError} USAGE saying what a step id may be.
 */
export function checkStepId(stepId: string): string {
  return checkId('step id', stepId, 'use a step id shown by "workflow status <run>"');
}
