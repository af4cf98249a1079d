// What a runner is (its role, fixed at construction) and where it is in its life (its state, the one status.json
// shows). The state changes only through `nextRunnerState`, which refuses a transition the lifecycle does not have.

import type { RunnerStatus } from '../protocol/runner-status.js';

/**
 * `daemon`: the project's singleton background agent (holds the lock, watches, publishes status.json); `embedded`:
 * inside a `workflow execute`, fed by `offer` (publishes under runner/embedded/); `peer`: one of several runners over
 * one project on purpose (watches, no lock, publishes nothing).
 */
export type RunnerRole = 'daemon' | 'embedded' | 'peer';

/** `starting` → `running` → `stopping` (draining: no new command, running steps get the grace period) → `stopped`. */
export type RunnerState = RunnerStatus['state'];

const NEXT: Record<RunnerState, readonly RunnerState[]> = {
  // A runner stopped while starting (its lock lost, a stop before start) goes straight to stopping.
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

/** The role of a runner set up with these options. */
export function runnerRole(options: { embedded?: boolean; singleton?: boolean }): RunnerRole {
  if (options.embedded === true) return 'embedded';
  return options.singleton === false ? 'peer' : 'daemon';
}

/**
 * The state after `from` → `to`.
 * @throws {Error} for a transition the lifecycle does not have (a bug in the caller), e.g. starting a stopped runner.
 */
export function nextRunnerState(runnerId: string, from: RunnerState, to: RunnerState): RunnerState {
  if (!NEXT[from].includes(to)) throw new Error(`Runner ${runnerId} cannot go from ${from} to ${to}`);
  return to;
}

/** What `offer` answers: taken, or why not (the command file then stays where it is, for another runner). */
export type OfferResult = { taken: true } | { taken: false; reason: string };

/** Why a runner in `state` takes no command file. */
export function notTakingReason(runnerId: string, state: RunnerState): string {
  const why = state === 'starting' ? 'has not started yet' : state === 'stopping' ? 'is stopping' : 'has stopped';
  return `Runner ${runnerId} ${why} (state=${state}) and takes no command file`;
}
