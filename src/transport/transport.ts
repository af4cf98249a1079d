// How the executor hands a step attempt to whoever runs it, and learns how it ended.
// `inline` runs it in the executor's process; `file` writes a command file for a background agent (the runner).

import type { SkillInvocation } from '../protocol/skill-command.js';
import type { Correlation, SkillResult, StepRunContext } from '../agents/skill.js';

/** One try of one step, as handed to a transport. */
export interface StepAttempt {
  correlation: Correlation & { created_at: string };
  invocation: SkillInvocation;
  /** The step's working directory (its worktree when isolation is on). */
  stepDir: string;
  /**
   * Where a transport puts the attempt's protocol files (PRODUCT.md §3): the step's worktree when it has one, else its
   * directory under the run, so steps running in the project root never share a command file. Chosen by the executor.
   */
  protocolDir: string;
  /** Paths relative to stepDir that must all exist, newer than the attempt's start, for success. */
  expectedArtifacts: string[];
  /** Required artifacts of earlier steps: path → absolute path. */
  inputs: Record<string, string>;
  timeoutMs: number;
  /** Environment for the skill; secrets arrive here, never in files. */
  env: NodeJS.ProcessEnv;
  /**
   * The variables the step itself sets (its `env` and TAPPS_RUN_ID, TAPPS_STEP_ID, TAPPS_ATTEMPT, TAPPS_STEP_DIR),
   * already in `env`; the file transport writes them into the command file for a runner in another process.
   */
  stepEnv?: Record<string, string>;
  /** Engine named by the step, if any. */
  engine?: string;
  /** Human-readable instructions (for people and the manual mode). */
  instructions?: string;
  /** What the run gives the step: workflow, run params, files of the steps it depends on (SkillContext.run). */
  run?: StepRunContext;
}

/** How an attempt ended. `timeout` and `cancelled` are decided by the transport, not the skill. */
export interface AttemptOutcome extends Omit<SkillResult, 'status'> {
  status: 'success' | 'failed' | 'timeout' | 'cancelled';
  startedAt: string;
  completedAt: string;
  /** The queue worker that ran the attempt (queue transport), for metrics and audit. */
  worker?: { id: string; host: string; pid: number };
}

/** Dispatches step attempts and observes their completion. */
export interface Transport {
  readonly kind: string;
  /** Runs one attempt to its end; aborting `signal` cancels it. Never rejects: failures are outcomes. */
  run(attempt: StepAttempt, signal: AbortSignal): Promise<AttemptOutcome>;
  /** Releases watchers, embedded runners and other resources. */
  close(): Promise<void>;
}
