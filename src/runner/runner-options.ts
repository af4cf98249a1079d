// How a runner is set up, and what a writer in the same process hands over with a command file.

import type { ExecutionObserver } from '../observability/observer.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { SkillInvocation } from '../protocol/skill-command.js';
import type { StatusReading } from '../protocol/status-file.js';
import type { ServedAttempt } from './run-claimed.js';

/** How a runner is set up. */
export interface RunnerOptions {
  projectRoot: string;
  observer?: ExecutionObserver;
  /**
   * Embedded in `workflow execute`: no lock, no watching, no status.json (its status goes to runner/embedded/ instead);
   * command files arrive through `offer`.
   */
  embedded?: boolean;
  /** The run an embedded runner serves, shown by `auto-execution status`. */
  runId?: string;
  /**
   * Take the project's singleton lock and publish status.json. @default true. Turn it off only to run several
   * runners over one project on purpose (machines sharing a file system, race tests); claims stay exclusive.
   */
  singleton?: boolean;
  /** Use this configuration instead of loading it (and do not reload it). */
  config?: ResolvedConfig;
  /** Grace period for running steps when stopping. @default 10 s */
  stopGraceMs?: number;
  /** Where the daemon's log goes, shown in status. */
  logFile?: string;
  /** Told of every attempt this runner served (the daemon's Prometheus metrics). */
  onServed?: (attempt: ServedAttempt) => void;
}

/** What is handed over with an offered command file by a writer in the same process. */
export interface OfferExtras {
  invocation?: SkillInvocation;
  env?: NodeJS.ProcessEnv;
  /** The command file's text as just written: the runner still claims the file by rename, but does not read it back. */
  text?: string;
  /** Told exactly once how the runner's handling of this offer ended (see {@link HandledCommand}). */
  onHandled?: (handled: HandledCommand) => void;
}

/**
 * How a runner's handling of an offered command ended, for the writer in the same process: `ran` with the terminal
 * status it wrote (already renamed into place, so on disk before the writer learns of it), or not run — another runner
 * claimed the file, it was refused or gone, the runner stopped or handling failed — and then the status file is the
 * only word on the attempt.
 */
export type HandledCommand = { ran: true; terminal: StatusReading } | { ran: false; reason: string };
