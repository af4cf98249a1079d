// Which steps start next: a pending step whose dependencies have all finished, up to the concurrency limit and one
// step per concurrency group at a time; a step its condition leaves out is skipped (or failed) here instead.
//
// Linear in the size of the graph (issue 21): each step keeps a count of its dependencies that have not finished,
// and a step's status change — every one goes through transitionStep, which tells the scheduler — adjusts the counts
// of its dependants only; a step whose count reaches 0 joins the ready queue. A step's completion thus costs
// O(its dependants) (plus O(log ready) for the file-order queue), where scanning every step for readiness after each
// completion made a chain of n steps cost O(n²).

import { TERMINAL_STEP_STATUSES, type ActiveRun } from './active-run.js';
import type { Step } from './model.js';
import { ReadyQueue } from './ready-queue.js';
import type { StepStatus } from './run-state.js';
import { skipReason } from './step-conditions.js';

/** Decides which steps of one run start, and starts them. */
export class StepScheduler {
  private readonly run: ActiveRun;
  /** For each step, the steps that depend on it. */
  private readonly dependants = new Map<string, Step[]>();
  /** For each step, how many of its dependencies have not finished (an unknown dependency never does). */
  private readonly unfinished = new Map<string, number>();
  private readonly ready = new ReadyQueue();
  /** Ready steps waiting for their concurrency group's running step, by group. */
  private readonly parked = new Map<string, Step[]>();
  /** How many steps of each concurrency group are running. */
  private readonly busyGroups = new Map<string, number>();

  /** Counts from the run's current statuses (a resumed run has finished steps already); listens to its changes. */
  constructor(run: ActiveRun) {
    this.run = run;
    for (const step of run.options.workflow.steps) {
      let unfinished = 0;
      for (const dep of new Set(step.dependsOn)) {
        if (!isFinished(run.state.steps[dep]?.status)) unfinished++;
        const list = this.dependants.get(dep);
        if (list === undefined) this.dependants.set(dep, [step]);
        else list.push(step);
      }
      this.unfinished.set(step.id, unfinished);
      if (unfinished === 0 && run.stepState(step.id).status === 'pending') this.ready.add(step);
    }
    run.onStepChanged((stepId, from, to) => this.stepChanged(stepId, from, to));
  }

  /** Starts every ready step with `start`, up to the run's concurrency limit. */
  dispatch(start: (step: Step) => Promise<void>): void {
    const { run } = this;
    while (run.running.size < run.limit) {
      const step = this.ready.take();
      if (step === undefined) return;
      // Queued earlier and changed since (it started, finished or waits again): a later change queues it anew.
      if (!this.isReady(step)) continue;
      const group = step.concurrencyGroup;
      if (group !== undefined && (this.busyGroups.get(group) ?? 0) > 0) {
        this.parked.set(group, [...(this.parked.get(group) ?? []), step]);
        continue;
      }
      const skip = skipReason(run, step);
      if (skip !== undefined) {
        if (skip.failed === true) run.refuseStep(step, skip.reason, 'CONDITION_ERROR');
        else run.skipStep(step, skip.reason);
        continue;
      }
      if (group !== undefined) this.busyGroups.set(group, (this.busyGroups.get(group) ?? 0) + 1);
      run.running.set(step.id, start(step).finally(() => this.settled(step)));
    }
  }

  /** A step's status changed: its dependants' counts follow, and a step that became ready is queued. */
  private stepChanged(stepId: string, from: StepStatus, to: StepStatus): void {
    const finished = isFinished(to);
    if (isFinished(from) !== finished) {
      for (const dependant of this.dependants.get(stepId) ?? []) {
        const unfinished = (this.unfinished.get(dependant.id) ?? 0) + (finished ? -1 : 1);
        this.unfinished.set(dependant.id, unfinished);
        if (unfinished === 0) this.queueIfReady(dependant);
      }
    }
    // A gate's loop sends steps back to pending.
    if (to === 'pending') this.queueIfReady(this.run.steps.get(stepId) as Step);
  }

  /** A step's run is over: its group frees up, and a step a gate sent back to pending while it ran is queued. */
  private settled(step: Step): void {
    this.run.running.delete(step.id);
    const group = step.concurrencyGroup;
    if (group !== undefined) {
      const busy = (this.busyGroups.get(group) ?? 1) - 1;
      this.busyGroups.set(group, busy);
      if (busy === 0) {
        for (const waiting of this.parked.get(group) ?? []) this.ready.add(waiting);
        this.parked.delete(group);
      }
    }
    this.queueIfReady(step);
  }

  private queueIfReady(step: Step): void {
    if (this.isReady(step)) this.ready.add(step);
  }

  private isReady(step: Step): boolean {
    return this.unfinished.get(step.id) === 0 && this.run.stepState(step.id).status === 'pending' && !this.run.running.has(step.id);
  }
}

function isFinished(status: StepStatus | undefined): boolean {
  return status !== undefined && TERMINAL_STEP_STATUSES.has(status);
}
