// One step job on a worker: a fresh detached worktree of the worker's own clone at the job's base commit, the job's
// files written into it, the attempt's command file beside it (outside the worktree, so it is no change of the step),
// run exactly as the file runner runs a claimed command (src/runner/run-claimed.ts: the agent's commands, the
// skill-command grammar, process groups), then the result and the step's changes. The worktree goes afterwards.

import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ExecutionObserver } from '../observability/observer.js';
import { CLAIMED_FILE_NAME, COMMAND_FILE_NAME, STATUS_FILE_NAME } from '../protocol/paths.js';
import { readStatusFile, type StatusWriter } from '../protocol/status-file.js';
import { runClaimed } from '../runner/run-claimed.js';
import { stepError, type StepError } from '../step-errors.js';
import { artifactsMissingError, missingArtifacts } from '../transport/expected-artifacts.js';
import { git, gitFailure, gitOutput } from '../worktree/git.js';
import { safeSegment, WORKTREES_DIR } from '../worktree/names.js';
import { gitWithLockRetry, serializeForRepo } from '../worktree/repo-queue.js';
import { ChangesTooLarge, collectChanges } from './step-changes.js';
import { writeTravellingFiles } from './step-files.js';
import { STEP_RESULT_SCHEMA, type StepJob, type StepResultInput } from './step-job.js';
import type { WorkerAgent } from './worker-agent.js';

/** How far in the past a job's input files are stamped (well beyond the artifact check's one second of slack). */
const INPUTS_AGE_MS = 60_000;

/** Who runs the job and with what. */
export interface StepJobContext {
  /** The worker's clone of the repository (its project root). */
  clone: string;
  config: ResolvedConfig;
  agent: WorkerAgent;
  writer: StatusWriter;
  observer: ExecutionObserver;
  worker: { id: string; host: string; pid: number; version: string };
  signal: AbortSignal;
}

/** Runs `job` to its end; never rejects for a failing step (the result says how it ended). */
export async function runStepJob(job: StepJob, context: StepJobContext): Promise<StepResultInput> {
  const startedAt = new Date().toISOString();
  const name = `queue-${safeSegment(`${job.correlation.run_id}-${job.correlation.step_id}-${job.correlation.attempt}`, 48)}-${randomBytes(3).toString('hex')}`;
  const worktree = path.join(context.clone, WORKTREES_DIR, name);
  const jobDir = path.join(context.clone, '.tapps-agents', 'queue', 'jobs', name);
  const result = (fields: Partial<StepResultInput> & Pick<StepResultInput, 'status'>): StepResultInput => ({
    schema: STEP_RESULT_SCHEMA,
    correlation: job.correlation,
    worker: context.worker,
    outputs: {},
    artifacts: [],
    started_at: startedAt,
    completed_at: new Date().toISOString(),
    changes: { diff_base64: '', files: [], bytes: 0 },
    ...fields,
  });
  const failed = (error: StepError) => result({ status: 'failed', error });

  const addWorktree = () => serializeForRepo(context.clone, () => gitWithLockRetry(['worktree', 'add', '--detach', '--quiet', worktree, job.base_commit], { cwd: context.clone }));
  let add = await addWorktree();
  if (!add.ok) {
    // Most often the commit is not here yet: fetch once and try again (asked only on failure, a git process saved).
    const missing = await missingBaseCommit(context.clone, job.base_commit);
    if (missing !== undefined) return failed(stepError('BASE_COMMIT_MISSING', missing));
    add = await addWorktree();
  }
  if (!add.ok) return failed(stepError('WORKTREE_FAILED', `git worktree add ${worktree} ${job.base_commit} failed in ${context.clone}: ${add.stderr.trim()}`));
  try {
    await mkdir(jobDir, { recursive: true, mode: 0o700 });
    try {
      // Stamped a minute old, so the artifact check below (and collectChanges, which sends written artifacts back
      // whole) tells a file the step wrote, even with the content it had, from one it was only given.
      await writeTravellingFiles(worktree, job.files, { modifiedAt: new Date(Date.now() - INPUTS_AGE_MS) });
    } catch (error) {
      return failed(stepError('JOB_INVALID', `The job's input files cannot be written into ${worktree}: ${(error as Error).message}`));
    }
    // The executor has these files already: committed here, they are the diff's starting point, not changes of the step.
    const since = job.files.length === 0 ? job.base_commit : await commitInputs(worktree);
    const stepStartMs = Date.now();
    const claimedFile = path.join(jobDir, CLAIMED_FILE_NAME);
    const text = `${JSON.stringify(localCommandFile(job, worktree, jobDir), null, 2)}\n`;
    await writeFile(claimedFile, text, { mode: 0o600 });
    const agent = { ...context.agent.agent, timeoutMs: Math.min(context.agent.agent.timeoutMs, job.timeout_ms) };
    await runClaimed(
      { claimedFile, text, commandFile: path.join(jobDir, COMMAND_FILE_NAME) },
      { projectRoot: context.clone, agent, inProcess: context.agent.inProcess, writer: context.writer, observer: context.observer, config: context.config, signal: context.signal },
    );
    const reading = await readStatusFile(path.join(jobDir, STATUS_FILE_NAME));
    if (reading.kind !== 'ok' || !reading.report.terminal) {
      return failed(stepError('STATUS_CORRUPT', `The step ended without a terminal status (${reading.kind === 'corrupt' ? reading.reason : reading.kind})`, true));
    }
    const report = reading.report;
    const base = {
      outputs: report.outputs,
      artifacts: report.artifacts,
      ...(report.output === undefined ? {} : { output: report.output }),
      ...(report.usage === undefined ? {} : { usage: report.usage as Record<string, unknown> }),
      started_at: report.startedAt ?? startedAt,
      completed_at: report.completedAt ?? new Date().toISOString(),
    };
    if (report.status !== 'completed') return result({ ...base, status: 'failed', error: report.error ?? stepError('FAILED', 'The step failed without saying why') });
    const expected = (job.command_file.correlation as { expected_artifacts?: string[] } | undefined)?.expected_artifacts ?? [];
    // Checked here, where the step ran and its file times mean something (its inputs were stamped in the past).
    if (context.config.autoExecution.features.artifact_detection) {
      const missing = missingArtifacts(worktree, expected, stepStartMs);
      if (missing.length > 0) return result({ ...base, status: 'failed', error: artifactsMissingError(missing, `${worktree} on worker ${context.worker.host}`) });
    }
    try {
      const changes = await collectChanges(worktree, since, [...report.artifacts, ...expected], context.config.queue?.maxChangesBytes ?? Number.MAX_SAFE_INTEGER, stepStartMs);
      return result({ ...base, status: 'completed', changes });
    } catch (error) {
      if (error instanceof ChangesTooLarge) return result({ ...base, status: 'failed', error: stepError('CHANGES_TOO_LARGE', error.message) });
      throw error;
    }
  } finally {
    await serializeForRepo(context.clone, () => gitWithLockRetry(['worktree', 'remove', '--force', worktree], { cwd: context.clone })).catch(() => undefined);
    await rm(worktree, { recursive: true, force: true }).catch(() => undefined);
    await rm(jobDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Commits the job's input files in the (detached) worktree; returns the commit. */
async function commitInputs(worktree: string): Promise<string> {
  const options = { cwd: worktree, timeoutMs: 120_000 };
  const add = await git(['add', '-A', '--', '.'], options);
  if (!add.ok) throw gitFailure(['add', '-A'], worktree, add);
  const args = ['-c', 'user.name=tapps-agents', '-c', 'user.email=tapps-agents@localhost', '-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '--allow-empty', '-m', 'tapps-agents: the step\'s input files'];
  const commit = await git(args, options);
  if (!commit.ok) throw gitFailure(['commit'], worktree, commit);
  return gitOutput(['rev-parse', 'HEAD'], options);
}

/** Why the base commit is not usable here (after one `git fetch origin`), or undefined when it is. */
async function missingBaseCommit(clone: string, commit: string): Promise<string | undefined> {
  const has = async () => (await git(['cat-file', '-e', `${commit}^{commit}`], { cwd: clone, timeoutMs: 30_000 })).ok;
  if (await has()) return undefined;
  const fetch = await serializeForRepo(clone, () => git(['fetch', '--quiet', 'origin'], { cwd: clone, timeoutMs: 120_000 }));
  if (await has()) return undefined;
  const fetched = fetch.ok ? 'even after "git fetch origin"' : `and "git fetch origin" failed (${fetch.stderr.trim().split('\n').pop() ?? ''})`;
  return `Commit ${commit} is not in this worker's clone ${clone}, ${fetched}. Push that commit to the origin from the executor's machine (or fetch it here: git -C ${clone} fetch origin), then resume the run.`;
}

/** The job's command file for this worker: its worktree, its paths for the input files, its records beside it. */
function localCommandFile(job: StepJob, worktree: string, jobDir: string): Record<string, unknown> {
  const file = job.command_file as Record<string, unknown>;
  const inputs = Object.fromEntries(Object.keys((file.inputs as Record<string, string> | undefined) ?? {}).map((input) => [input, path.resolve(worktree, input)]));
  const context = file.context as Record<string, unknown> | undefined;
  return { ...file, worktree_path: worktree, inputs, ...(context === undefined ? {} : { context: { ...context, record_dir: jobDir } }) };
}
