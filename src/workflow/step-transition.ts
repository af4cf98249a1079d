// The one place a step changes status. Each change sets the status, the step's timestamps (through the run's Clock)
// and emits the matching event of events.jsonl, so the three cannot drift apart; a change the table below does not
// allow is a bug in the executor and throws.
//
// Timestamps: `start` stamps started_at now; a step that finishes after an attempt ran takes the attempt's own times
// (a result adopted on resume shows when it ran); one that finishes without running (skipped, refused, an approval)
// is completed now; one that had already finished (a gate's verdict, a cancel during a retry's backoff) keeps them.

import { isoNow, systemClock, type Clock } from './clock.js';
import type { OnError } from './model.js';
import type { RunState, StepState, StepStatus } from './run-state.js';

/** Where a step is: its status, with a `running` step that waits for its next attempt told apart. */
export type StepPhase = StepStatus | 'retry_wait';

/** An attempt's own start and completion (ISO-8601), as its outcome reports them. */
export interface AttemptTimes {
  startedAt: string;
  completedAt: string;
}

type StepErrorState = StepState['error'];

/** What happens to a step. */
export type StepEvent =
  /** Its condition (or a stopped run, or a gate's jump) leaves it out. */
  | { type: 'skip'; reason: string }
  /** It fails before any attempt: its condition cannot be evaluated, a required artifact is missing. */
  | { type: 'refuse'; message: string; code: string }
  /** Attempt `attempt` starts. */
  | { type: 'start'; attempt: number }
  /** An approval step starts waiting; its event is emitted once state.json says so. */
  | ApprovalWait
  /** The attempt failed in a way that is retried after `delayMs`. */
  | { type: 'retry_later'; ran: AttemptTimes; error: StepErrorState; message: string; delayMs: number }
  | { type: 'succeed'; output: unknown; ran?: AttemptTimes; error?: StepErrorState }
  /** `onError` is given when the failure is the step's own (an attempt, a gate), and then shown in the event. */
  | { type: 'fail'; message: string; error: StepErrorState; ran?: AttemptTimes; onError?: OnError }
  | { type: 'cancel'; message: string; ran?: AttemptTimes; error?: StepErrorState }
  /** A gate loops back over it: it runs again in this run. */
  | { type: 'rerun' }
  /** `workflow resume`: a step that did not succeed runs again (a running one with the same attempt number). */
  | { type: 'resume' };

/** The one event whose emission waits for state.json (whoever reads it may act on state.json at once). */
export interface ApprovalWait {
  type: 'await_approval';
  prompt: string;
  approve: string;
  reject: string;
}

/** For each event, the phases it may happen in and the phase it leads to. Anything else is an illegal transition. */
export const STEP_TRANSITIONS = {
  skip: { pending: 'skipped' },
  refuse: { pending: 'failed' },
  start: { pending: 'running', retry_wait: 'running' },
  await_approval: { pending: 'waiting_approval' },
  retry_later: { running: 'retry_wait' },
  succeed: { running: 'succeeded', waiting_approval: 'succeeded' },
  // From succeeded: the step's gate failed it.
  fail: { running: 'failed', waiting_approval: 'failed', succeeded: 'failed' },
  cancel: { running: 'cancelled', retry_wait: 'cancelled', waiting_approval: 'cancelled' },
  rerun: { pending: 'pending', succeeded: 'pending', failed: 'pending', skipped: 'pending', cancelled: 'pending' },
  resume: { running: 'pending', retry_wait: 'pending', waiting_approval: 'pending', failed: 'pending', cancelled: 'pending', skipped: 'pending' },
} as const satisfies Record<StepEvent['type'], Partial<Record<StepPhase, StepPhase>>>;

/** What a transition needs of the run: its state, its clock, and where changes and events go (a RunStore). */
export interface TransitionTarget {
  readonly state: RunState;
  readonly clock: Clock;
  /** Notes that state.json must be written. */
  changed(): void;
  emit(type: string, fields: Record<string, unknown>): unknown;
  /** Resolves once state.json holds every change so far. */
  flush(): Promise<void>;
  /** Told of every status change, once the step holds it (the scheduler counts finished dependencies with it). */
  stepChanged?(stepId: string, from: StepStatus, to: StepStatus): void;
}

/** A transition the table does not allow. */
export class StepTransitionError extends Error {
  override readonly name = 'StepTransitionError';
}

/** The phase of a step's state. */
export function phaseOf(step: StepState): StepPhase {
  return step.status === 'running' && step.retry_at !== undefined ? 'retry_wait' : step.status;
}

/**
 * Moves step `stepId` of the run by `event`: status, timestamps, then the event.
 * @throws {StepTransitionError} when the step is unknown or the event cannot happen in its phase
 */
export function transitionStep(run: TransitionTarget, stepId: string, event: ApprovalWait): Promise<void>;
export function transitionStep(run: TransitionTarget, stepId: string, event: Exclude<StepEvent, ApprovalWait>): void;
export function transitionStep(run: TransitionTarget, stepId: string, event: StepEvent): void | Promise<void> {
  const step = Object.hasOwn(run.state.steps, stepId) ? run.state.steps[stepId] : undefined;
  if (step === undefined) throw new StepTransitionError(`Run ${run.state.run_id} has no step "${stepId}" (event ${event.type})`);
  const from = phaseOf(step);
  const allowed: Partial<Record<StepPhase, StepPhase>> = STEP_TRANSITIONS[event.type];
  const to = allowed[from];
  if (to === undefined) {
    throw new StepTransitionError(`Step "${stepId}" of run ${run.state.run_id} cannot ${event.type} while ${from}: allowed only while ${Object.keys(allowed).join(' or ')}`);
  }
  const now = isoNow(run.clock);
  // The times of a step that finishes (see the top of this file).
  const finish = (ran: AttemptTimes | undefined) => {
    if (from === 'running') {
      if (ran === undefined) throw new StepTransitionError(`Step "${stepId}" of run ${run.state.run_id}: ${event.type} of a running attempt needs the attempt's times`);
      step.started_at = ran.startedAt;
      step.completed_at = ran.completedAt;
    } else if (from !== 'succeeded' && from !== 'retry_wait') step.completed_at = now;
  };
  const attempt = () => step.attempt;
  let emitted: [string, Record<string, unknown>] | undefined;
  switch (event.type) {
    case 'skip':
      step.skip_reason = event.reason;
      finish(undefined);
      emitted = ['step.skipped', { stepId, reason: event.reason }];
      break;
    case 'refuse':
      step.error = { message: event.message, code: event.code, retryable: false };
      finish(undefined);
      emitted = ['step.finished', { stepId, status: 'failed', attempt: attempt(), error: event.message }];
      break;
    case 'start':
      step.attempt = event.attempt;
      step.started_at = now;
      step.completed_at = null;
      step.error = null;
      delete step.retry_at;
      emitted = ['step.started', { stepId, attempt: event.attempt, name: step.name }];
      break;
    case 'await_approval':
      step.attempt = Math.max(1, step.attempt);
      step.started_at ??= now;
      break;
    case 'retry_later':
      finish(event.ran);
      step.error = event.error;
      step.retry_at = new Date(run.clock.now() + event.delayMs).toISOString();
      emitted = ['step.retry', { stepId, attempt: attempt(), nextAttempt: attempt() + 1, delayMs: event.delayMs, error: event.message }];
      break;
    case 'succeed':
      finish(event.ran);
      if (event.error !== undefined) step.error = event.error;
      emitted = ['step.finished', { stepId, status: 'succeeded', attempt: attempt(), output: event.output }];
      break;
    case 'fail':
      finish(event.ran);
      step.error = event.error;
      emitted = ['step.finished', { stepId, status: 'failed', attempt: attempt(), error: event.message, ...(event.onError === undefined ? {} : { onError: event.onError }) }];
      break;
    case 'cancel':
      finish(event.ran);
      if (event.error !== undefined) step.error = event.error;
      emitted = ['step.finished', { stepId, status: 'cancelled', attempt: attempt(), error: event.message }];
      break;
    case 'rerun':
      step.completed_at = null;
      delete step.skip_reason;
      break;
    case 'resume':
      if (from === 'running' && step.attempt > 0) step.interrupted_attempt = step.attempt;
      if (from === 'failed' || from === 'cancelled' || from === 'skipped') {
        step.error = null;
        step.completed_at = null;
        delete step.skip_reason;
      }
      break;
  }
  const before = step.status;
  step.status = to === 'retry_wait' ? 'running' : to;
  run.changed();
  run.stepChanged?.(stepId, before, step.status);
  if (event.type === 'await_approval') {
    return run.flush().then(() => {
      run.emit('step.waiting_approval', { stepId, prompt: event.prompt, approve: event.approve, reject: event.reject });
    });
  }
  if (emitted !== undefined) run.emit(...emitted);
}

/** A target for transitions outside a live run (preparing a stored state for a resume): they emit no events. */
export function withoutEvents(state: RunState, clock: Clock = systemClock): TransitionTarget {
  return {
    state,
    clock,
    changed: () => undefined,
    emit: (type) => {
      throw new StepTransitionError(`Run ${state.run_id}: event ${type} has no event log to go to outside a live run`);
    },
    flush: () => Promise.resolve(),
  };
}
