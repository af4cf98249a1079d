// The one workflow model both YAML shapes compile to: what the executor schedules and the validator checks.

import type { SkillInvocation } from '../protocol/skill-command.js';
import type { ReturnMode } from '../worktree/return-outputs.js';
import type { WorktreeSettings } from '../worktree/worktree-settings.js';
import type { Expression } from './expression.js';

/** When a step runs once its dependencies have finished. */
export type StepCondition =
  /** The original's `required` and the default: run unless the run is stopping. */
  | { kind: 'default' }
  /** Every step it depends on (directly or transitively) succeeded; otherwise it is skipped. */
  | { kind: 'prerequisites_met' }
  /** Runs even when the run is stopping after a failure (clean-up, reports). */
  | { kind: 'always' }
  /** Runs only when some step of the run has failed; otherwise skipped. */
  | { kind: 'on_failure' }
  /** Runs when the expression is true; skipped when false. */
  | { kind: 'expression'; text: string; expression: Expression };

/** What happens when a step has failed (after its retries). */
export type OnError = 'fail' | 'continue' | 'retry';

/** A retry policy with durations in ms. */
export interface RetryPolicy {
  enabled: boolean;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  backoffMultiplier: number;
  /** No single delay is longer than this. */
  maxDelayMs: number;
  /** Fraction of each delay randomised (0.2 = ±20 %). */
  jitter: number;
}

/** Partial retry settings given by a step (`retry:` or `metadata.retry`); missing fields come from the config. */
export type RetryOverride = Partial<RetryPolicy>;

/** Where a gate sends the run: a step id, `next` (carry on), `retry` (this step again) or `fail`. */
export type GateTarget = { kind: 'next' } | { kind: 'retry' } | { kind: 'fail' } | { kind: 'step'; stepId: string };

/** A decision after a step succeeded. */
export interface Gate {
  text: string;
  expression: Expression;
  onPass: GateTarget;
  onFail: GateTarget;
  /** How many times the gate may send the run back (a loop) before the step fails. @default 3 */
  maxIterations: number;
}

/** An approval step: the run waits until a person approves or rejects it. */
export interface Approval {
  prompt: string;
  /** Fail the step when nobody decides within this long (ms). Undefined = wait forever. */
  timeoutMs?: number;
}

/** One compiled step. */
export interface Step {
  id: string;
  /** What people see: the seed's `step:` text, else the id. */
  name: string;
  /** Index in file order. */
  index: number;
  /** The skill to run; undefined for approval steps. */
  invocation?: SkillInvocation;
  approval?: Approval;
  /** Steps named by `needs:`. */
  needs: string[];
  /** Every step that must finish first (needs, creators of requires, `next` sources, or the previous step). */
  dependsOn: string[];
  /** Artifact paths (relative to the work directory) that must exist before the step runs. */
  requires: string[];
  /** Artifact paths the step must create: `creates` plus `params.target_file`. */
  creates: string[];
  next?: string;
  condition: StepCondition;
  onError: OnError;
  retry?: RetryOverride;
  gate?: Gate;
  /** `scoring.thresholds` (or `metadata.scoring.thresholds`) by metric: overall 0–100, the others 0–10. */
  thresholds?: Record<string, number>;
  timeoutMs?: number;
  env: Record<string, string>;
  engine?: string;
  /** Steps with the same group name never run at the same time. */
  concurrencyGroup?: string;
  /** `overwrite: false`: a model-backed step fails instead of replacing an existing target. Undefined = replace (kept in the step directory). */
  overwrite?: boolean;
  /** `context_budget:` characters of input content in the prompt; undefined = the config's. */
  contextBudget?: number;
  /** Worktree isolation: how this step's outputs come back (`merge: commit`); the workflow's setting otherwise. */
  merge?: ReturnMode;
  /** Position of the step in the file, for runtime errors that point at it. */
  location: { line: number; col: number };
}

/** A compiled workflow. */
export interface Workflow {
  id: string;
  name: string;
  description: string;
  version: string;
  /** Which YAML shape it came from. */
  shape: 'seed' | 'preset';
  /** The file, as shown to people. */
  file: string;
  absolutePath: string;
  /** `metadata.auto_execution` with its position, when set. */
  autoExecution?: { value: boolean; line: number; col: number };
  /** Parallel steps at most; undefined = the config's `workflow.concurrency`. */
  concurrency?: number;
  /** Default values of `params.*` (overridden by `--param key=value`). */
  params: Record<string, unknown>;
  steps: Step[];
  /** Worktree isolation settings (`settings.worktrees`, docs/worktrees.md). */
  worktrees?: WorktreeSettings;
}
