// The side of a runner in this process that the file transport talks to: hand over, take back, stop.

import type { SkillInvocation } from '../protocol/skill-command.js';

/** A runner in this process, as the file transport sees it. */
export interface LocalRunner {
  /** Hands over a command file already written; false when the runner is stopping (the file stays for another). */
  offer(commandFile: string, extras: { invocation?: SkillInvocation; env?: NodeJS.ProcessEnv }): boolean;
  /** Takes back a command not yet started, or stops the step running it. */
  cancel(commandFile: string): void;
  stop(options: { graceMs?: number }): Promise<void>;
}
