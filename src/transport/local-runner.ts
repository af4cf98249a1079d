// The side of a runner in this process that the file transport talks to: hand over, take back, stop.

import type { SkillInvocation } from '../protocol/skill-command.js';
import type { OfferResult } from '../runner/runner-mode.js';

/** A runner in this process, as the file transport sees it. */
export interface LocalRunner {
  /** Hands over a command file already written; when the runner is not running it takes nothing and says why. */
  offer(commandFile: string, extras: { invocation?: SkillInvocation; env?: NodeJS.ProcessEnv }): OfferResult;
  /** Takes back a command not yet started, or stops the step running it. */
  cancel(commandFile: string): void;
  stop(options: { graceMs?: number }): Promise<void>;
}
