// The executor: schedules a workflow's steps as a DAG (parallel up to a limit), applies conditions, retries, on_error,
// gates and approvals, hands attempts to a Transport, and records everything durably so a run can be resumed.
//
// Durability rule: before a new attempt is dispatched, every earlier completion is on disk (RunStore.flush), so after
// a crash only the steps that were running at that moment run again — and each of those once, with the same attempt
// number (a transport can adopt a result that landed meanwhile). Between dispatches, state.json writes are coalesced.

import { stepError } from '../step-errors.js';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { formatSkillCommand } from '../protocol/skill-command.js';
import type { ContextFile, StepRunContext } from '../agents/skill.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { silentObserver, type ExecutionObserver, type ExecutionStatus } from '../observability/observer.js';
import type { AttemptOutcome, Transport } from '../transport/transport.js';
import { waitForApproval } from './approval.js';
import { isoNow, systemClock, type Clock } from './clock.js';
import { transitionStep } from './step-transition.js';
import { transitiveDependencies } from './dependencies.js';
import { ExpressionEvaluationError } from './expression.js';
import type { GateTarget, Step, Workflow } from './model.js';
import { retryDelayMs, retryPolicyFor, shouldRetry } from './retry-policy.js';
import { runPaths } from '../protocol/run-paths.js';
import { describeRunOutcome, RunStore, type RunEvent, type RunState, type StepState, type StepStatus } from './run-state.js';
import { namedResults } from './named-results.js';
import { runSummaryOf } from './run-summary.js';
import { executionRecord } from './run-state-factories.js';
import { evaluateInRun } from './step-scope.js';
import { TappsError } from '../errors.js';
import { StepIsolation, type StepWorkspace } from '../worktree/step-isolation.js';
import { makeDirectoryInside } from '../fs/write-boundary.js';

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

/** What a run came to. */
export interface RunReport {
  state: RunState;
}

const TERMINAL: ReadonlySet<StepStatus> = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);
/** String outputs kept in state.json are cut to this many characters (the full text is in the step log). */
const MAX_OUTPUT_CHARS = 4096;

/**
 * Runs (or resumes) a workflow to its end.
 * @example
 * const state = newRunState({ projectRoot, workflow, runId: newRunId(workflow.id), params: {}, autoExecution: false, transport: 'inline' });
 * const report = await executeRun({ projectRoot, workflow, config, transport, state });
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunReport> {
  const run = new RunDriver(options);
  return run.drive();
}

class RunDriver {
  private readonly options: ExecuteRunOptions;
  private readonly store: RunStore;
  private readonly observer: ExecutionObserver;
  private readonly clock: Clock;
  private readonly steps: Map<string, Step>;
  private readonly running = new Map<string, Promise<void>>();
  private readonly controllers = new Map<string, AbortController>();
  /** Set when a step failed with on_error fail: nothing new starts except `always`/`on_failure` steps. */
  private stopError: string | undefined;
  private readonly limit: number;
  /** Observer calls still in flight; awaited before the run returns so no metrics or audit line is lost. */
  private readonly reporting = new Set<Promise<unknown>>();
  /** Worktree isolation for this run (src/worktree); undefined when off or unavailable. */
  private isolation: StepIsolation | undefined;

  constructor(options: ExecuteRunOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.store = new RunStore(options.projectRoot, options.state, options.onEvent, this.clock);
    this.observer = options.observer ?? silentObserver;
    this.steps = new Map(options.workflow.steps.map((step) => [step.id, step]));
    this.limit = Math.max(1, options.workflow.concurrency ?? options.config.workflow.concurrency);
  }

  private track(promise: Promise<unknown>): void {
    const settled = promise.catch(() => undefined).finally(() => this.reporting.delete(settled));
    this.reporting.add(settled);
  }

  /** Read through a method so TypeScript does not narrow it across awaits. */
  private isCancelled(): boolean {
    return this.options.signal?.aborted === true;
  }

  private get state(): RunState {
    return this.store.state;
  }

  async drive(): Promise<RunReport> {
    const { signal } = this.options;
    await this.store.open();
    await this.openIsolation();
    const resumed = Object.values(this.state.steps).some((step) => step.attempt > 0 || step.status !== 'pending');
    // state.json is on disk before the run is announced: a run id anyone has seen can be resumed.
    this.store.changed();
    await this.store.flush();
    this.store.emit(resumed ? 'run.resumed' : 'run.started', { workflowId: this.state.workflow_id, workflowName: this.state.workflow_name, steps: this.options.workflow.steps.map((step) => step.id), transport: this.options.transport.kind });
    const onAbort = () => {
      for (const controller of this.controllers.values()) controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.loop();
    } catch (error) {
      // The run cannot go on (its state cannot be saved): the events so far still reach events.jsonl.
      await this.store.close().catch(() => undefined);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    this.finish();
    await Promise.all(this.reporting);
    await this.store.close();
    return { state: this.state };
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (this.options.signal?.aborted !== true) {
        await this.store.flush();
        this.dispatchReady();
      }
      if (this.running.size === 0) return;
      await Promise.race(this.running.values());
    }
  }

  /** Starts every step whose dependencies have finished, up to the concurrency limit. */
  private dispatchReady(): void {
    for (const step of this.options.workflow.steps) {
      if (this.running.size >= this.limit) return;
      const stepState = this.state.steps[step.id] as StepState;
      if (stepState.status !== 'pending' || this.running.has(step.id)) continue;
      if (!step.dependsOn.every((dep) => TERMINAL.has(this.state.steps[dep]?.status ?? 'pending'))) continue;
      if (step.concurrencyGroup !== undefined && [...this.running.keys()].some((id) => this.steps.get(id)?.concurrencyGroup === step.concurrencyGroup)) continue;
      const skip = this.skipReason(step);
      if (skip !== undefined) {
        if (skip.failed) this.failStep(step, skip.reason, 'CONDITION_ERROR');
        else this.skipStep(step, skip.reason);
        continue;
      }
      const task = this.runStep(step).finally(() => this.running.delete(step.id));
      this.running.set(step.id, task);
    }
  }

  /** Why a ready step does not run, or undefined when it does. */
  private skipReason(step: Step): { reason: string; failed?: boolean } | undefined {
    const condition = step.condition;
    if (this.stopError !== undefined) {
      if (condition.kind === 'always' || condition.kind === 'on_failure') return undefined;
      return { reason: 'run stopped after a failure' };
    }
    switch (condition.kind) {
      case 'default':
      case 'always':
        return undefined;
      case 'on_failure':
        return Object.values(this.state.steps).some((other) => other.status === 'failed') ? undefined : { reason: 'condition on_failure: no step has failed' };
      case 'prerequisites_met': {
        const unmet = [...transitiveDependencies(new Map([...this.steps].map(([id, other]) => [id, other.dependsOn])), step.id)].filter((id) => this.state.steps[id]?.status !== 'succeeded');
        return unmet.length === 0 ? undefined : { reason: `condition prerequisites_met: ${unmet.map((id) => `"${id}" ${this.state.steps[id]?.status ?? 'unknown'}`).join(', ')}` };
      }
      case 'expression':
        try {
          return evaluateInRun(condition.expression, this.state, undefined, namedResults(this.options.workflow, this.state, step)) ? undefined : { reason: `condition is false: ${condition.text}` };
        } catch (error) {
          if (!(error instanceof ExpressionEvaluationError)) throw error;
          return { reason: `condition ${JSON.stringify(condition.text)} cannot be evaluated: ${error.message} (${this.options.workflow.file}:${step.location.line})`, failed: true };
        }
    }
  }

  private skipStep(step: Step, reason: string): void {
    const stepState = this.state.steps[step.id] as StepState;
    transitionStep(this.store, step.id, { type: 'skip', reason });
    const at = stepState.completed_at as string;
    this.track(this.record(step, stepState, 'skipped', at, at, reason));
  }

  private failStep(step: Step, message: string, code: string): void {
    transitionStep(this.store, step.id, { type: 'refuse', message, code });
    this.afterFailure(step, message);
  }

  private afterFailure(step: Step, message: string): void {
    if (step.onError === 'continue') return;
    this.stopError ??= `step "${step.id}" failed: ${message}`;
  }

  private async runStep(step: Step): Promise<void> {
    if (step.approval !== undefined) {
      await this.waitForApproval(step);
      return;
    }
    const stepState = this.state.steps[step.id] as StepState;
    const policy = retryPolicyFor(this.options.config.autoExecution.retry, step.retry, step.onError === 'retry');
    // A step left `running` by a crash gets the same attempt again, so a transport can adopt its result.
    let attempt = stepState.interrupted_attempt ?? stepState.attempt + 1;
    delete stepState.interrupted_attempt;
    await makeDirectoryInside(stepState.step_dir, 0o700, this.options.projectRoot);
    // With worktrees, earlier steps' outputs are back in the project; a kept worktree of a failed attempt is not the place.
    if (this.isolation !== undefined) stepState.work_dir = this.options.projectRoot;
    const missing: string[] = [];
    for (const file of step.requires) if (!(await artifactExists(stepState.work_dir, file))) missing.push(file);
    if (missing.length > 0) {
      this.failStep(step, `required artifact${missing.length > 1 ? 's' : ''} ${missing.map((file) => JSON.stringify(file)).join(', ')} not found in ${stepState.work_dir}`, 'REQUIRES_MISSING');
      return;
    }
    for (let retry = false; ; retry = true) {
      // The failed attempt is on disk before its retry is dispatched (the first attempt was flushed by the loop), and
      // a state.json that can no longer be written stops the run here (STORAGE_FAILED).
      if (retry) await this.store.flush();
      const controller = new AbortController();
      this.controllers.set(step.id, controller);
      if (this.options.signal?.aborted === true) controller.abort();
      transitionStep(this.store, step.id, { type: 'start', attempt });
      const createdAt = stepState.started_at as string;
      const correlation = { workflow_id: this.state.workflow_id, run_id: this.state.run_id, step_id: step.id, attempt };
      this.track(this.observer.audit({ event: 'execution.started', ...correlation, actor: 'executor', details: { transport: this.options.transport.kind } }));
      const invocation = step.invocation as NonNullable<Step['invocation']>;
      const entered = await this.enterWorktree(step, stepState, attempt, controller.signal);
      const stepEnv = { ...step.env, TAPPS_RUN_ID: this.state.run_id, TAPPS_STEP_ID: step.id, TAPPS_ATTEMPT: String(attempt), TAPPS_STEP_DIR: stepState.step_dir };
      const dispatched = entered.failure ?? await this.options.transport.run(
        {
          correlation: { ...correlation, created_at: createdAt },
          invocation,
          stepDir: stepState.work_dir,
          protocolDir: path.resolve(stepState.work_dir) === path.resolve(this.options.projectRoot) ? stepState.step_dir : stepState.work_dir,
          expectedArtifacts: step.creates,
          inputs: Object.fromEntries(step.requires.map((file) => [file, path.resolve(stepState.work_dir, file)])),
          timeoutMs: step.timeoutMs ?? this.options.config.autoExecution.polling.timeoutMs,
          env: { ...process.env, ...stepEnv },
          stepEnv,
          ...(step.engine === undefined ? {} : { engine: step.engine }),
          instructions: `Run step "${step.name}" of workflow "${this.state.workflow_name}": ${formatSkillCommand(invocation)}`,
          run: this.runContext(step, stepState),
        },
        controller.signal,
      );
      const outcome = await this.leaveWorktree(step, stepState, entered.workspace, dispatched);
      this.controllers.delete(step.id);
      stepState.outputs = trimOutputs(outcome.outputs);
      stepState.artifacts = outcome.artifacts;
      // The attempt's own times (a result adopted on resume shows when it ran), set by the transition below.
      const ran = { startedAt: outcome.startedAt, completedAt: outcome.completedAt };
      const error = outcome.error ?? null;
      const status: ExecutionStatus = outcome.status;
      this.track(this.record(step, stepState, status, outcome.startedAt, outcome.completedAt, outcome.error?.message ?? null, outcome));
      if (outcome.status === 'success') {
        this.track(this.observer.audit({ event: 'execution.completed', ...correlation, actor: 'executor', ...workerDetails(outcome) }));
        transitionStep(this.store, step.id, { type: 'succeed', output: outcome.output, ran, error });
        // A model step that replaced an existing file says where its previous content is (outputs.replaced).
        if (Array.isArray(outcome.outputs.replaced) && outcome.outputs.replaced.length > 0) this.store.emit('step.replaced', { stepId: step.id, files: outcome.outputs.replaced });
        this.applyGate(step);
        return;
      }
      const message = outcome.error?.message ?? `Step ended with status ${outcome.status}`;
      this.track(this.observer.audit({ event: outcome.status === 'timeout' ? 'execution.timeout' : 'execution.failed', ...correlation, actor: 'executor', details: { error: message, ...workerDetails(outcome).details } }));
      if (outcome.status === 'cancelled' || this.options.signal?.aborted === true) {
        transitionStep(this.store, step.id, { type: 'cancel', message, ran, error });
        return;
      }
      const retryable = outcome.error?.retryable ?? outcome.status === 'timeout';
      if (shouldRetry(policy, attempt, retryable) && this.stopError === undefined) {
        const delay = retryDelayMs(policy, attempt, (this.options.random ?? Math.random)());
        transitionStep(this.store, step.id, { type: 'retry_later', ran, error, message, delayMs: delay });
        this.track(this.observer.audit({ event: 'retry.scheduled', ...correlation, actor: 'executor', details: { delay_ms: delay, next_attempt: attempt + 1, error: message } }));
        await this.clock.sleep(delay, this.options.signal);
        if (this.isCancelled()) {
          transitionStep(this.store, step.id, { type: 'cancel', message: 'cancelled while waiting to retry' });
          return;
        }
        attempt++;
        continue;
      }
      transitionStep(this.store, step.id, { type: 'fail', message, ran, error, onError: step.onError });
      this.afterFailure(step, message);
      return;
    }
  }

  /**
   * What the run gives a step (docs/agents.md "Context between steps"): the workflow, the run's params, and the files
   * of the steps it depends on — the artifacts they wrote and the files their params named (the code a reviewer read).
   */
  private runContext(step: Step, stepState: StepState): StepRunContext {
    const files: ContextFile[] = [];
    const seen = new Set<string>();
    const add = (file: string, from: string, role: ContextFile['role']) => {
      if (seen.has(file)) return;
      seen.add(file);
      files.push({ path: file, step: from, role });
    };
    for (const id of step.dependsOn) {
      for (const artifact of this.state.steps[id]?.artifacts ?? []) add(artifact, id, 'wrote');
      const invocation = this.steps.get(id)?.invocation;
      // A shell step's params are a script, not file names.
      if (invocation === undefined || invocation.agent === 'shell') continue;
      for (const value of Object.values(invocation.params)) if (typeof value === 'string') add(value, id, 'read');
    }
    const budgetChars = step.contextBudget ?? this.options.config.agents.contextBudget;
    return {
      workflow: { name: this.options.workflow.name, description: this.options.workflow.description },
      params: this.state.params,
      files,
      ...(budgetChars === undefined ? {} : { budgetChars }),
      recordDir: stepState.step_dir,
      ...(step.overwrite === undefined ? {} : { overwrite: step.overwrite }),
      location: `${this.options.workflow.file}:${step.location.line}`,
      // Orchestrator steps report on the run: the executor hands them its state (written before this dispatch).
      ...(step.invocation?.agent === 'orchestrator' ? { summary: runSummaryOf(this.state) } : {}),
    };
  }

  // ── Worktree isolation (src/worktree, docs/worktrees.md) ─────────────────────────────────────────────────────────

  /** Turns isolation on when the workflow's `settings.worktrees` or the config's `workflow.worktrees` says so. */
  private async openIsolation(): Promise<void> {
    const settings = this.options.workflow.worktrees;
    if (!(settings?.enabled ?? this.options.config.workflow.worktrees)) return;
    const isolation = await StepIsolation.forRun({
      projectRoot: this.options.projectRoot,
      runId: this.state.run_id,
      ...(this.state.worktree_base === undefined ? {} : { baseCommit: this.state.worktree_base }),
      ...(settings?.setup === undefined ? {} : { setup: settings.setup }),
      ...(settings?.merge === undefined ? {} : { mode: settings.merge }),
    });
    if (isolation.git === undefined) {
      this.store.emit('worktrees.notice', { message: isolation.plain?.message });
      return;
    }
    for (const warning of isolation.git.warnings) this.store.emit('worktrees.notice', { message: warning });
    this.state.worktree_base = isolation.git.baseCommit;
    this.store.changed();
    this.isolation = isolation;
  }

  /** Creates the attempt's worktree and points the step's work_dir at it; a creation failure fails the attempt. */
  private async enterWorktree(step: Step, stepState: StepState, attempt: number, signal: AbortSignal): Promise<{ workspace?: StepWorkspace; failure?: AttemptOutcome }> {
    if (this.isolation === undefined) return {};
    const startedAt = isoNow(this.clock);
    try {
      const workspace = await this.isolation.enter({ stepId: step.id, attempt, requires: step.requires, creates: step.creates, signal });
      if (workspace === undefined) return {};
      stepState.work_dir = workspace.stepDir;
      this.store.changed();
      return { workspace };
    } catch (error) {
      if (!TappsError.is(error)) throw error;
      const failure: AttemptOutcome = {
        status: error.code === 'TIMEOUT' ? 'timeout' : 'failed',
        outputs: {},
        artifacts: [],
        // A setup command past its deadline is a timeout; anything else the worktree did is WORKTREE_FAILED.
        error: stepError(error.code === 'TIMEOUT' ? 'TIMEOUT' : 'WORKTREE_FAILED', error.message, error.code !== 'CONFLICT'),
        startedAt,
        completedAt: isoNow(this.clock),
      };
      return { failure };
    }
  }

  /** Brings a successful attempt's outputs back (a conflict fails it) or keeps the worktree of a failed one. */
  private async leaveWorktree(step: Step, stepState: StepState, workspace: StepWorkspace | undefined, outcome: AttemptOutcome): Promise<AttemptOutcome> {
    if (workspace === undefined || this.isolation === undefined) return outcome;
    const left = await this.isolation.leave(workspace, outcome.status, outcome.error?.message, step.merge);
    if (left.kept === true) this.store.emit('worktree.kept', { stepId: step.id, path: left.path, reason: left.keptReason });
    else stepState.work_dir = this.options.projectRoot;
    if (left.error === undefined) return outcome;
    return { ...outcome, status: 'failed', error: left.error };
  }

  private async waitForApproval(step: Step): Promise<void> {
    const stepState = this.state.steps[step.id] as StepState;
    const approval = step.approval as NonNullable<Step['approval']>;
    this.state.status = 'waiting_approval';
    // Whoever reads the event (a person, a script) may act on state.json at once: the transition writes it first.
    await transitionStep(this.store, step.id, { type: 'await_approval', prompt: approval.prompt, approve: `tapps-agents workflow approve ${this.state.run_id} ${step.id}`, reject: `tapps-agents workflow reject ${this.state.run_id} ${step.id}` });
    // Measured from when the step first started waiting, also across restarts.
    const deadline = approval.timeoutMs === undefined ? undefined : Date.parse(stepState.started_at as string) + approval.timeoutMs;
    const decision = await waitForApproval(runPaths(this.options.projectRoot, this.state.run_id).approval(step.id), this.clock, this.options.signal ?? new AbortController().signal, deadline);
    if (!Object.values(this.state.steps).some((other) => other.status === 'waiting_approval' && other !== stepState)) this.state.status = 'running';
    if (decision === undefined) {
      if (this.options.signal?.aborted === true) {
        transitionStep(this.store, step.id, { type: 'cancel', message: 'cancelled while waiting for approval' });
        return;
      }
      const message = `Nobody approved or rejected within ${approval.timeoutMs ?? 0} ms`;
      transitionStep(this.store, step.id, { type: 'fail', message, error: { message, code: 'APPROVAL_TIMEOUT', retryable: false } });
      this.afterFailure(step, message);
      return;
    }
    stepState.outputs = { decision: decision.decision, by: decision.by, at: decision.at, ...(decision.comment === undefined ? {} : { comment: decision.comment }) };
    if (decision.decision === 'approved') {
      transitionStep(this.store, step.id, { type: 'succeed', output: `approved by ${decision.by}` });
      return;
    }
    const message = `Rejected by ${decision.by}${decision.comment === undefined ? '' : `: ${decision.comment}`}`;
    transitionStep(this.store, step.id, { type: 'fail', message, error: { message, code: 'REJECTED', retryable: false } });
    this.afterFailure(step, message);
  }

  /** After a step succeeded: decide its gate and follow on_pass / on_fail (bounded loops). */
  private applyGate(step: Step): void {
    const gate = step.gate;
    if (gate === undefined) return;
    const stepState = this.state.steps[step.id] as StepState;
    let passed: boolean;
    try {
      passed = evaluateInRun(gate.expression, this.state, stepState.outputs, namedResults(this.options.workflow, this.state, step));
    } catch (error) {
      if (!(error instanceof ExpressionEvaluationError)) throw error;
      this.markGateFailure(step, `gate condition ${JSON.stringify(gate.text)} cannot be evaluated: ${error.message}`, 'GATE_ERROR');
      return;
    }
    const target: GateTarget = passed ? gate.onPass : gate.onFail;
    this.store.emit(passed ? 'gate.passed' : 'gate.failed', { stepId: step.id, condition: gate.text, target: target.kind === 'step' ? target.stepId : target.kind });
    if (target.kind === 'next') return;
    if (target.kind === 'fail') {
      this.markGateFailure(step, `gate failed: ${gate.text}`, 'GATE_FAILED');
      return;
    }
    const to = target.kind === 'retry' ? step : (this.steps.get(target.stepId) as Step);
    if (to.index > step.index) {
      // A jump forward: the steps in between are skipped.
      for (const other of this.options.workflow.steps) {
        const otherState = this.state.steps[other.id] as StepState;
        if (other.index > step.index && other.index < to.index && otherState.status === 'pending') this.skipStep(other, `skipped by the gate of "${step.id}" (jump to "${to.id}")`);
      }
      return;
    }
    const iterations = (this.state.gate_iterations[step.id] ?? 0) + 1;
    if (iterations > gate.maxIterations) {
      this.store.emit('gate.exhausted', { stepId: step.id, iterations: gate.maxIterations });
      this.markGateFailure(step, `gate loop stopped after ${gate.maxIterations} iterations (max_iterations); last result: ${passed ? 'passed' : 'failed'} ${gate.text}`, 'GATE_LOOP_EXHAUSTED');
      return;
    }
    this.state.gate_iterations[step.id] = iterations;
    for (const other of this.options.workflow.steps) {
      if (other.index < to.index || other.index > step.index) continue;
      if (this.running.has(other.id) && other.id !== step.id) continue;
      transitionStep(this.store, other.id, { type: 'rerun' });
    }
    this.store.changed();
    this.store.emit('gate.loop', { stepId: step.id, to: to.id, iteration: iterations, maxIterations: gate.maxIterations });
  }

  private markGateFailure(step: Step, message: string, code: string): void {
    transitionStep(this.store, step.id, { type: 'fail', message, error: { message, code, retryable: false }, onError: step.onError });
    this.afterFailure(step, message);
  }

  private async record(step: Step, stepState: StepState, status: ExecutionStatus, startedAt: string, completedAt: string, error: string | null, outcome?: AttemptOutcome): Promise<void> {
    try {
      await this.observer.recordExecution(executionRecord(this.state, step, stepState, status, startedAt, completedAt, error, outcome));
    } catch {
      // The observer must never break a run.
    }
  }

  private finish(): void {
    const cancelled = this.options.signal?.aborted === true;
    const steps = Object.values(this.state.steps);
    if (cancelled) {
      this.state.status = 'cancelled';
      this.state.error = 'cancelled';
    } else if (this.stopError !== undefined) {
      this.state.status = 'failed';
      this.state.error = this.stopError;
    } else if (steps.every((step) => TERMINAL.has(step.status))) {
      // Failures under on_error: continue do not make a run "succeeded"; with nothing succeeded it failed.
      const failed = steps.filter((step) => step.status === 'failed').length;
      const succeeded = steps.some((step) => step.status === 'succeeded');
      this.state.status = failed === 0 ? 'succeeded' : succeeded ? 'completed_with_failures' : 'failed';
      if (failed > 0 && !succeeded) this.state.error = failed === steps.length ? 'every step failed' : `${failed} ${failed === 1 ? 'step' : 'steps'} failed and none succeeded`;
    } else {
      this.state.status = 'failed';
      this.state.error = `Run blocked: ${steps.filter((step) => !TERMINAL.has(step.status)).length} steps could not start`;
    }
    this.state.failed_steps = steps.filter((step) => step.status === 'failed').length;
    this.state.completed_at = isoNow(this.clock);
    this.store.changed();
    const counts: Record<string, number> = {};
    for (const step of steps) counts[step.status] = (counts[step.status] ?? 0) + 1;
    this.store.emit('run.finished', { status: this.state.status, error: this.state.error, counts, failedSteps: this.state.failed_steps, summary: describeRunOutcome(this.state.status, this.state.failed_steps) });
  }
}

/** The audit details naming the queue worker that ran an attempt (none for the file transport). */
function workerDetails(outcome: AttemptOutcome): { details?: Record<string, unknown> } {
  const worker = outcome.worker;
  return worker === undefined ? {} : { details: { worker_id: worker.id, worker_host: worker.host, worker_pid: worker.pid } };
}

function trimOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, typeof value === 'string' && value.length > MAX_OUTPUT_CHARS ? `…${value.slice(-MAX_OUTPUT_CHARS)}` : value]));
}

/** True when `file` (relative to `workDir`) exists: required artifacts of steps that no step creates. */
export async function artifactExists(workDir: string, file: string): Promise<boolean> {
  try {
    await stat(path.resolve(workDir, file));
    return true;
  } catch {
    return false;
  }
}
