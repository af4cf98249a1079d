// The side of a runner in this process that the file transport talks to: hand over, take back, stop.

import type { OfferResult } from '../runner/runner-mode.js';
import type { OfferExtras } from '../runner/runner-options.js';

export type { HandledCommand } from '../runner/runner-options.js';

/** A runner in this process, as the file transport sees it. */
export interface LocalRunner {
  /**
   * Hands over a command file already written (its invocation, environment and text in memory; told how it ended);
   * when the runner is not running it takes nothing and says why.
   */
  offer(commandFile: string, extras: OfferExtras): OfferResult;
  /** Takes back a command not yet started, or stops the step running it. */
  cancel(commandFile: string): void;
  stop(options: { graceMs?: number }): Promise<void>;
}
