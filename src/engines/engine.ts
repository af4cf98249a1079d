// What every engine (AI SDK provider, coding-agent CLI, manual) offers to a model-backed action: one call, one result.

import type { StepError } from '../step-errors.js';
import type { Logger, Usage } from '../observability/observer.js';

/** One request to an engine: a rendered prompt, run for one step attempt. */
export interface EngineRequest {
  prompt: string;
  /** System instructions (AI SDK engines) or a preamble (CLI engines). */
  system: string;
  /** The step directory: CLI engines run here; relative artifact paths resolve here. */
  cwd: string;
  /** Files (relative to `cwd`) the action must produce. */
  expectedFiles: string[];
  timeoutMs: number;
  signal: AbortSignal;
  /** Environment of the step (API keys are read from here, never from files). */
  env: NodeJS.ProcessEnv;
  /** The step's logger (debug mode shows what an engine ran). */
  logger?: Logger;
}

/** What an engine came to. Engines never throw for expected failures. */
export type EngineResult =
  | { ok: true; text: string; usage: Usage }
  | { ok: false; error: StepError; usage?: Usage };

/** A ready-to-call engine. */
export interface Engine {
  /** The engine's name as selected (a key of `engines:` or a built-in name such as "openai" or "claude"). */
  name: string;
  /**
   * True when the engine edits files in `cwd` itself (coding-agent CLIs). Otherwise the action writes the returned text
   * to its target artifact.
   */
  writesFiles: boolean;
  generate(request: EngineRequest): Promise<EngineResult>;
}
