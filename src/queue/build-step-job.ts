// The job for one attempt, built on the executor: the commit the step directory is at, the command file the file
// transport would write (secrets redacted: they never travel), and the files the step reads that may not be
// committed — its required inputs and what the steps it depends on wrote.

import { formatCommandFile } from '../protocol/command-file.js';
import { stepError, type StepError } from '../step-errors.js';
import type { StepAttempt } from '../transport/transport.js';
import { git } from '../worktree/git.js';
import { formatBytes } from './step-changes.js';
import { readTravellingFiles, travellingBytes } from './step-files.js';
import { STEP_JOB_SCHEMA, type StepJobInput } from './step-job.js';
import { hostname } from 'node:os';

/** A job could not be built: the attempt fails with this step error. */
export class StepJobNotBuilt extends Error {
  readonly stepError: StepError;
  constructor(error: StepError) {
    super(error.message);
    this.stepError = error;
  }
}

/**
 * The step job of `attempt`.
 * @throws {StepJobNotBuilt} BASE_COMMIT_MISSING outside a git repository with a commit; CHANGES_TOO_LARGE for inputs over the cap.
 */
export async function buildStepJob(attempt: StepAttempt, options: { projectId: string; maxBytes: number; traceparent?: string | undefined }): Promise<{ job: StepJobInput }> {
  const head = await git(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: attempt.stepDir, timeoutMs: 30_000 });
  if (!head.ok) {
    throw new StepJobNotBuilt(stepError('BASE_COMMIT_MISSING', `The step directory ${attempt.stepDir} is not in a git repository with a commit; the queue transport starts each step from a commit that workers fetch from the origin. Commit (and push) the project first, or use workflow.transport: file.`));
  }
  const { correlation } = attempt;
  const text = formatCommandFile({
    invocation: attempt.invocation,
    correlation: { workflow_id: correlation.workflow_id, run_id: correlation.run_id, step_id: correlation.step_id, attempt: correlation.attempt, created_at: correlation.created_at, expected_artifacts: attempt.expectedArtifacts },
    worktreePath: attempt.stepDir,
    instructions: attempt.instructions ?? '',
    timeoutMs: attempt.timeoutMs,
    ...(attempt.engine === undefined ? {} : { engine: attempt.engine }),
    inputs: attempt.inputs,
    ...(attempt.stepEnv === undefined ? {} : { environment: attempt.stepEnv }),
    ...(attempt.run === undefined ? {} : { context: attempt.run }),
    ...(options.traceparent === undefined || options.traceparent === '' ? {} : { traceparent: options.traceparent }),
  });
  const wrote = (attempt.run?.files ?? []).filter((file) => file.role === 'wrote').map((file) => file.path);
  const files = await readTravellingFiles(attempt.stepDir, [...Object.keys(attempt.inputs), ...wrote]);
  const bytes = travellingBytes(files);
  if (bytes > options.maxBytes) {
    throw new StepJobNotBuilt(stepError('CHANGES_TOO_LARGE', `The step's input files are ${formatBytes(bytes)}, over queue.max_changes_bytes (${formatBytes(options.maxBytes)}); commit and push them instead, or raise the limit.`));
  }
  return {
    job: {
      schema: STEP_JOB_SCHEMA,
      project_id: options.projectId,
      correlation: { workflow_id: correlation.workflow_id, run_id: correlation.run_id, step_id: correlation.step_id, attempt: correlation.attempt },
      base_commit: head.stdout.trim(),
      command_file: JSON.parse(text) as { command: string },
      files,
      timeout_ms: attempt.timeoutMs,
      executor: { host: hostname(), pid: process.pid },
    },
  };
}
