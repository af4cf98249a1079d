// The run being driven, in memory: its options, its durable store, which steps are running, and the few run-wide facts
// the step modules share (a failure that stops the run, observer calls still in flight). Each step concept
// (src/workflow/step-*.ts, approval-step.ts, run-worktrees.ts) takes an ActiveRun instead of reaching into the executor.

import type { ResolvedConfig } from '../config/resolve.js';
import { silentObserver, type ExecutionObserver, type ExecutionStatus } from '../observability/observer.js';
import type { AttemptOutcome, Transport } from '../transport/transport.js';
import type { StepIsolation } from '../worktree/step-isolation.js';
import { systemClock, type Clock } from './clock.js';
import type { Step, Workflow } from './model.js';
import { executionRecord } from './run-state-factories.js';
import type { RunEvent, RunState, StepState, StepStatus } from './run-state.js';
import { RunStore } from './run-store.js';
import { transitionStep, type TransitionTarget } from './step-transition.js';

/** Inputs of {@link executeRun}. */
export interface ExecuteRunOptions {
  projectRoot: string;
  workflow: Workflow;
  config: ResolvedConfig;
  transport: Transport;
  /** The state to drive: a new one from {@link newRunState}, or one read back for a resume. */
  state: RunState;
  /** Metrics and audit. @default silentObserver */
  observer?: ExecutionObserver;
  /** @default systemClock */
  clock?: Clock;
  /** Random numbers in [0, 1) for retry jitter. @default Math.random */
  random?: () => number;
  /** Aborting cancels the run: running steps are killed, and the run is marked cancelled (resumable). */
  signal?: AbortSignal;
  /** Called with each event as it is appended to events.jsonl. */
  onEvent?: (event: RunEvent) => void;
}

/** The statuses a step does not leave in this run (except through a gate's loop or a resume). */
export const TERMINAL_STEP_STATUSES: ReadonlySet<StepStatus> = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/** Told of a step's status change (see {@link ActiveRun.onStepChanged}). */
export type StepChangeListener = (stepId: string, from: StepStatus, to: StepStatus) => void;

/** One run in progress; also the target of its steps' transitions (see step-transition.ts). */
export class ActiveRun implements TransitionTarget {
  readonly options: ExecuteRunOptions;
  readonly store: RunStore;
  readonly observer: ExecutionObserver;
  readonly clock: Clock;
  /** The workflow's steps by id. */
  readonly steps: Map<string, Step>;
  /** Each step's direct dependencies (its `dependsOn`), by id. */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  /** The steps being run now (an attempt, its backoff, or an approval wait), settling when the step is done. */
  readonly running = new Map<string, Promise<void>>();
  /** Abort controllers of the attempts in flight: cancelling the run aborts them all. */
  readonly controllers = new Map<string, AbortController>();
  /** How many steps may run at once. */
  readonly limit: number;
  /** Set when a step failed with on_error fail: nothing new starts except `always`/`on_failure` steps. */
  stopError: string | undefined;
  /**
   * The executor's environment as the run started, which every attempt's environment starts from: reading
   * process.env (a native object) for each attempt cost ~0.08 ms a step, and tapps-agents never changes its own.
   */
  readonly environment: Readonly<NodeJS.ProcessEnv> = { ...process.env };
  /** Worktree isolation for this run (src/worktree); undefined when off or unavailable. */
  isolation: StepIsolation | undefined;
  /** Observer calls still in flight; awaited before the run returns so no metrics or audit line is lost. */
  private readonly reporting = new Set<Promise<unknown>>();
  private listener: StepChangeListener | undefined;
  /** How many steps have each status, kept by stepChanged: a condition asks "has a step failed?" in O(1). */
  private readonly statusCounts = new Map<StepStatus, number>();
  /** Goes up each time a step stops being succeeded (a gate's verdict or loop): what was known to have succeeded may not have. */
  succeededEpoch = 0;

  constructor(options: ExecuteRunOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.store = new RunStore(options.projectRoot, options.state, options.onEvent, this.clock);
    this.observer = options.observer ?? silentObserver;
    this.steps = new Map(options.workflow.steps.map((step) => [step.id, step]));
    this.dependencies = new Map(options.workflow.steps.map((step) => [step.id, step.dependsOn]));
    this.limit = Math.max(1, options.workflow.concurrency ?? options.config.workflow.concurrency);
    for (const step of Object.values(options.state.steps)) this.statusCounts.set(step.status, (this.statusCounts.get(step.status) ?? 0) + 1);
  }

  /** How many steps of the run have status `status` now. */
  countOf(status: StepStatus): number {
    return this.statusCounts.get(status) ?? 0;
  }

  get state(): RunState {
    return this.store.state;
  }

  /** The state of step `id` (every step of the workflow has one). */
  stepState(id: string): StepState {
    return this.state.steps[id] as StepState;
  }

  /** The one listener of step status changes (the scheduler). */
  onStepChanged(listener: StepChangeListener): void {
    this.listener = listener;
  }

  // The run as a TransitionTarget: changes and events go to its store, status changes to the listener.
  changed(): void {
    this.store.changed();
  }

  emit(type: string, fields: Record<string, unknown>): RunEvent {
    return this.store.emit(type, fields);
  }

  flush(): Promise<void> {
    return this.store.flush();
  }

  stepChanged(stepId: string, from: StepStatus, to: StepStatus): void {
    if (from !== to) {
      if (from === 'succeeded') this.succeededEpoch++;
      this.statusCounts.set(from, (this.statusCounts.get(from) ?? 0) - 1);
      this.statusCounts.set(to, (this.statusCounts.get(to) ?? 0) + 1);
    }
    this.listener?.(stepId, from, to);
  }

  /** Read through a method so TypeScript does not narrow it across awaits. */
  isCancelled(): boolean {
    return this.options.signal?.aborted === true;
  }

  /** Keeps an observer call from being lost: the run awaits it before returning ({@link settleReporting}). */
  track(promise: Promise<unknown>): void {
    // One promise per call (catch + finally made four): settled either way, then forgotten.
    const forget = () => {
      this.reporting.delete(settled);
    };
    const settled: Promise<void> = promise.then(forget, forget);
    this.reporting.add(settled);
  }

  /** Resolves once every tracked observer call has settled. */
  async settleReporting(): Promise<void> {
    await Promise.all(this.reporting);
  }

  /** Records one attempt (or a skip) with the observer's metrics; the observer never breaks a run. */
  record(step: Step, status: ExecutionStatus, startedAt: string, completedAt: string, error: string | null, outcome?: AttemptOutcome): void {
    const stepState = this.stepState(step.id);
    this.track((async () => this.observer.recordExecution(executionRecord(this.state, step, stepState, status, startedAt, completedAt, error, outcome)))());
  }

  /** A step left out (its condition, a stopped run, a gate's jump): recorded like an attempt. */
  skipStep(step: Step, reason: string): void {
    transitionStep(this, step.id, { type: 'skip', reason });
    const at = this.stepState(step.id).completed_at as string;
    this.record(step, 'skipped', at, at, reason);
  }

  /** A step that fails before any attempt (a condition that cannot be evaluated, a missing required artifact). */
  refuseStep(step: Step, message: string, code: string): void {
    transitionStep(this, step.id, { type: 'refuse', message, code });
    this.afterFailure(step, message);
  }

  /** After a step failed: unless its on_error is `continue`, the run stops starting new steps. */
  afterFailure(step: Step, message: string): void {
    if (step.onError === 'continue') return;
    this.stopError ??= `step "${step.id}" failed: ${message}`;
  }
}
