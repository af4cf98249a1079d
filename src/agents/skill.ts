// What a skill (one agent action) receives and returns. The executor's inline transport, the runner and
// `workflow execute-skill-command` all run skills through `executeSkill` with these types.

import type { StepError } from '../step-errors.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger, Usage } from '../observability/observer.js';

/** Identifies one step attempt end to end; written into command files and checked in status files. */
export interface Correlation {
  workflow_id: string;
  run_id: string;
  step_id: string;
  attempt: number;
}

/** Everything a skill may use while it runs. */
export interface SkillContext {
  projectRoot: string;
  /** The step's working directory: relative artifact paths resolve here. */
  stepDir: string;
  /**
   * The directory a command file named as the step's place (`worktree_path`): builtin actions work there whatever it
   * holds (the original executor falls back to a plain copied directory when `git worktree add` fails).
   */
  workDir?: string;
  correlation: Correlation;
  /** Time left for this attempt. */
  timeoutMs: number;
  /** Aborted on timeout or cancel; skills must stop promptly (and kill their process groups). */
  signal: AbortSignal;
  /** Environment for child processes (secrets arrive here, never in files). */
  env: NodeJS.ProcessEnv;
  /** Artifacts of earlier steps this step requires: artifact path → absolute path. */
  inputs: Record<string, string>;
  /** Paths (relative to stepDir) the step is expected to create. */
  expectedArtifacts: string[];
  /** Engine chosen for the step (`engine:` in the workflow), if any. */
  engine?: string;
  /** The resolved project configuration (engines, agents), when running inside a project. */
  config?: ResolvedConfig;
  logger: Logger;
  /**
   * What the run has done so far, for orchestrator `finalize` (the executor fills it when it dispatches a step;
   * without it, finalize reports only what the context knows: correlation and inputs).
   */
  runSummary?: RunSummary;
  /** Reports progress (written to the status file by the runner). */
  onProgress?: (progress: { percentage?: number; message: string }) => void;
  /** What the run gives the step besides its params (the executor fills it; without it a step sees only its params). */
  run?: StepRunContext;
}

/**
 * What a step is given from its run (docs/agents.md "Context between steps"): the workflow, the run's params, and the
 * files of the steps it depends on. Model actions put it in their prompt; it travels in the command file.
 */
export interface StepRunContext {
  workflow: { name: string; description: string };
  /** The run's params: the workflow's `params:` overridden by `--param`. */
  params: Record<string, unknown>;
  /** Files of the steps this step depends on, in dependency order (missing files are left out by the reader). */
  files: ContextFile[];
  /** Most characters of file content pasted into a prompt: the step's `context_budget`, else the config's. */
  budgetChars?: number;
  /** Where the step's records go: prompt.md and the previous content of files it replaced (its directory under the run). */
  recordDir?: string;
  /** False when the step says `overwrite: false`: a model action then fails instead of replacing an existing target. */
  overwrite?: boolean;
  /** The step in its workflow file ("my-workflow.yaml:12"), for messages. */
  location?: string;
  /** The run so far, for orchestrator steps (finalize, aggregate-results), whichever transport carries the step. */
  summary?: RunSummary;
}

/** One file a step is given from a step it depends on. */
export interface ContextFile {
  /** Relative to the project (and the step directory). */
  path: string;
  /** The step it came from. */
  step: string;
  /** `wrote`: one of that step's artifacts; `read`: a file that step's params named (e.g. the code a reviewer reviewed). */
  role: 'wrote' | 'read';
}

/** What a skill came to. */
export interface SkillResult {
  status: 'success' | 'failed';
  /** Values later steps and conditions can read as `steps.<id>.outputs.<key>`. */
  outputs: Record<string, unknown>;
  /** Files written, relative to stepDir. */
  artifacts: string[];
  /** A short human-readable summary. */
  output?: string;
  error?: StepError;
  usage?: Usage;
}

/** The state of a run as the executor knows it, handed to orchestrator `finalize`. */
export interface RunSummary {
  workflow_id: string;
  run_id: string;
  workflow_name?: string;
  started_at?: string;
  steps: RunSummaryStep[];
}

/** One step of a run summary. */
export interface RunSummaryStep {
  step_id: string;
  agent: string;
  action: string;
  status: 'pending' | 'running' | 'success' | 'failed' | 'timeout' | 'cancelled' | 'skipped';
  attempts?: number;
  duration_ms?: number;
  artifacts?: string[];
  outputs?: Record<string, unknown>;
  error_message?: string;
  usage?: Usage;
}
