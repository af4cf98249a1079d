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

/** One captured stream of what an engine said: its tail, and how much there was in all. */
export interface TranscriptStream {
  name: 'stdout' | 'stderr' | 'response';
  /** The last part of the stream (at most the engine's capture limit). */
  text: string;
  /** Bytes the stream had in all (more than `text` holds when it was cut). */
  bytes: number;
}

/** What an engine ran and said, for the step's engine-output.log (`tapps-agents workflow logs <run> <step>`). */
export interface EngineTranscript {
  /** What was run or called, one line: a CLI's argv as a shell would quote it, or an API engine's endpoint and model. */
  invocation: string;
  /** The names (never the values) of the environment variables the engine was given. */
  envNames: string[];
  /** How it ended: "exit code 0", "killed by SIGTERM", "timed out after 5m", "HTTP 401", "answered". */
  outcome: string;
  streams: TranscriptStream[];
}

/** What an engine came to. Engines never throw for expected failures. */
export type EngineResult =
  | { ok: true; text: string; usage: Usage; transcript?: EngineTranscript }
  | { ok: false; error: StepError; usage?: Usage; transcript?: EngineTranscript };

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
