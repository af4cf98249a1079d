// The narrow interface the workflow executor uses: decide once per run whether steps get worktrees, then enter a
// worktree when an attempt starts and leave it when the attempt ends (outputs back, or kept for inspection).

import { TappsError } from '../errors.js';
import { createStepWorktree, type StepWorktree } from './create-step-worktree.js';
import { finishStepWorktree, type FinishReport } from './finish-step-worktree.js';
import { detectIsolation, type GitIsolation, type PlainIsolation } from './isolation.js';
import type { ReturnMode } from './return-outputs.js';
import type { SetupCommand } from './setup-command.js';

export interface StepIsolationOptions {
  projectRoot: string;
  runId: string;
  /** The base commit persisted by an earlier start of this run (resume); HEAD otherwise. */
  baseCommit?: string;
  /** The workflow's setup command, run once in each new worktree. */
  setup?: SetupCommand;
  /** How outputs come back unless a step says otherwise. @default "copy" */
  mode?: ReturnMode;
  /** @default "git" */
  gitBinary?: string;
}

/** What a step attempt needs to know to run inside its worktree. */
export interface StepWorkspace {
  /** The step directory: the transport's `stepDir`, where the step runs and its protocol files go. */
  stepDir: string;
  worktree: StepWorktree;
}

/** How leaving a worktree went; `error` means the attempt must fail with that message (not retryable). */
export interface LeaveReport extends Partial<FinishReport> {
  error?: { message: string; code: 'OUTPUT_CONFLICT' | 'WORKTREE_FAILED'; retryable: false };
}

/**
 * Step isolation for one run.
 * @example
 * const isolation = await StepIsolation.forRun({ projectRoot, runId });
 * if (isolation.plain) log(isolation.plain.message);          // not a git repo, no git, detached HEAD
 * const workspace = await isolation.enter({ stepId, attempt, requires, creates });
 * const outcome = await transport.run({ ...attempt, stepDir: workspace?.stepDir ?? stepDir }, signal);
 * if (workspace) { const left = await isolation.leave(workspace, outcome.status, outcome.error?.message); … }
 */
export class StepIsolation {
  /** Set when steps run in plain step directories; `message` says why. */
  readonly plain: PlainIsolation | undefined;
  /** Set when steps get worktrees. Persist `git.baseCommit` in the run state so a resumed run starts from it. */
  readonly git: GitIsolation | undefined;
  private readonly options: StepIsolationOptions;

  private constructor(options: StepIsolationOptions, isolation: GitIsolation | PlainIsolation) {
    this.options = options;
    this.plain = isolation.mode === 'plain' ? isolation : undefined;
    this.git = isolation.mode === 'worktrees' ? isolation : undefined;
  }

  /** Checks git, the repository and HEAD once for the run. */
  static async forRun(options: StepIsolationOptions): Promise<StepIsolation> {
    const isolation = await detectIsolation({
      projectRoot: options.projectRoot,
      ...(options.gitBinary === undefined ? {} : { gitBinary: options.gitBinary }),
      ...(options.baseCommit === undefined ? {} : { baseCommit: options.baseCommit }),
    });
    return new StepIsolation(options, isolation);
  }

  /**
   * Creates (or on resume reuses) the worktree of a step attempt; undefined when the run uses plain directories.
   * @param step.requires project-relative artifacts of earlier steps, copied in
   * @param step.creates project-relative declared outputs (`creates` and `target_file`), brought back on success
   * @throws {TappsError} WORKTREE_FAILED, CONFLICT or TIMEOUT (setup): fail the attempt with the message
   */
  async enter(step: { stepId: string; attempt: number; requires?: readonly string[]; creates?: readonly string[]; signal?: AbortSignal }): Promise<StepWorkspace | undefined> {
    if (this.git === undefined) return undefined;
    const worktree = await createStepWorktree({
      isolation: this.git,
      runId: this.options.runId,
      stepId: step.stepId,
      attempt: step.attempt,
      inputs: step.requires ?? [],
      outputs: step.creates ?? [],
      ...(this.options.setup === undefined ? {} : { setup: this.options.setup }),
      ...(step.signal === undefined ? {} : { signal: step.signal }),
    });
    return { stepDir: worktree.stepDir, worktree };
  }

  /**
   * Ends an attempt: on success brings the outputs back (a conflict becomes `error`, and the worktree stays); on
   * anything else keeps the worktree and records why. Never throws.
   */
  async leave(workspace: StepWorkspace, outcome: 'success' | 'failed' | 'timeout' | 'cancelled', reason?: string, mode?: ReturnMode): Promise<LeaveReport> {
    const git = this.git as GitIsolation;
    try {
      return await finishStepWorktree(workspace.worktree.manifestPath, git, {
        outcome,
        mode: mode ?? this.options.mode ?? 'copy',
        ...(reason === undefined ? {} : { reason }),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = TappsError.is(error) && error.code === 'CONFLICT' ? 'OUTPUT_CONFLICT' : 'WORKTREE_FAILED';
      return { path: workspace.worktree.path, stepDir: workspace.stepDir, kept: true, keptReason: message, error: { message, code, retryable: false } };
    }
  }
}
