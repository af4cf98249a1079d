// The state of waiting for one attempt's status file, and its one transition function. Checks of the status file
// never overlap: one asked for while another runs is queued (the strongest one wins, so a deadline is never downgraded
// or lost), and once the deadline has passed every check is the final one. What the checks have seen so far (a claim,
// an unreadable file) decides the reason given at the deadline.

/**
 * How thorough a check of the status file is: `event` (the file changed) only reads it; `periodic` (the rescan) also
 * looks for a dead or stalled runner or a missing consumer; `final` (at the deadline) gives the timeout when nothing
 * else ended the attempt.
 */
export type CheckMode = 'event' | 'periodic' | 'final';

const CHECK_STRENGTH: Record<CheckMode, number> = { event: 0, periodic: 1, final: 2 };

/** Where the wait for one attempt stands. */
export interface AttemptWaitState {
  /** `idle` between checks, `checking` while one reads the status file, `ended` once the outcome is given. */
  readonly phase: 'idle' | 'checking' | 'ended';
  /** The strongest check asked for while one was running; it runs next. */
  readonly queued: CheckMode | undefined;
  /** The deadline has passed: every check is the final one. */
  readonly overdue: boolean;
  /** A not yet terminal status of this attempt was seen: a runner claimed it. */
  readonly sawClaim: boolean;
  /** Why the status file could not be read at the last check, when it could not. */
  readonly corrupt: string | undefined;
}

/** What happens to a wait. */
export type AttemptWaitEvent =
  | { type: 'check-asked'; mode: CheckMode }
  | { type: 'check-done' }
  | { type: 'deadline' }
  | { type: 'status-corrupt'; reason: string }
  | { type: 'status-readable' }
  | { type: 'claim-seen' }
  | { type: 'ended' };

export const INITIAL_WAIT_STATE: AttemptWaitState = { phase: 'idle', queued: undefined, overdue: false, sawClaim: false, corrupt: undefined };

/** The next state, and the check to run now if one should start. */
export function transition(state: AttemptWaitState, event: AttemptWaitEvent): { state: AttemptWaitState; run?: CheckMode } {
  if (state.phase === 'ended') return { state };
  switch (event.type) {
    case 'check-asked': {
      const mode: CheckMode = state.overdue ? 'final' : event.mode;
      if (state.phase === 'checking') return { state: { ...state, queued: strongerCheck(state.queued, mode) } };
      return { state: { ...state, phase: 'checking' }, run: mode };
    }
    case 'check-done': {
      const next: CheckMode | undefined = state.overdue ? 'final' : state.queued;
      const idle: AttemptWaitState = { ...state, phase: 'idle', queued: undefined };
      return next === undefined ? { state: idle } : { state: { ...idle, phase: 'checking' }, run: next };
    }
    case 'deadline':
      return { state: { ...state, overdue: true } };
    case 'status-corrupt':
      return { state: { ...state, corrupt: event.reason } };
    case 'status-readable':
      return { state: { ...state, corrupt: undefined } };
    case 'claim-seen':
      return { state: { ...state, sawClaim: true } };
    case 'ended':
      return { state: { ...state, phase: 'ended', queued: undefined } };
  }
}

/** The stronger of two check modes: a final check is never replaced by a periodic one, nor a periodic by an event. */
function strongerCheck(a: CheckMode | undefined, b: CheckMode): CheckMode {
  return a !== undefined && CHECK_STRENGTH[a] >= CHECK_STRENGTH[b] ? a : b;
}
