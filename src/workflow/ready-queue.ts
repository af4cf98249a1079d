// The steps that may start, in file order: a binary heap keyed by the step's index, so of the steps ready at the same
// time the one written first starts first (as a top-to-bottom scan would), at O(log n) a step.

import type { Step } from './model.js';

/** A set of steps taken out lowest index first. */
export class ReadyQueue {
  private readonly heap: Step[] = [];
  private readonly queued = new Set<string>();

  get size(): number {
    return this.heap.length;
  }

  /** Adds `step` unless it is queued already. */
  add(step: Step): void {
    if (this.queued.has(step.id)) return;
    this.queued.add(step.id);
    const heap = this.heap;
    heap.push(step);
    for (let at = heap.length - 1; at > 0; ) {
      const parent = (at - 1) >> 1;
      if ((heap[parent] as Step).index <= step.index) break;
      heap[at] = heap[parent] as Step;
      heap[parent] = step;
      at = parent;
    }
  }

  /** The queued step of lowest index, removed; undefined when empty. */
  take(): Step | undefined {
    const heap = this.heap;
    const first = heap[0];
    if (first === undefined) return undefined;
    this.queued.delete(first.id);
    const last = heap.pop() as Step;
    if (heap.length > 0) {
      heap[0] = last;
      for (let at = 0; ; ) {
        const left = 2 * at + 1;
        const right = left + 1;
        let lowest = at;
        if (left < heap.length && (heap[left] as Step).index < (heap[lowest] as Step).index) lowest = left;
        if (right < heap.length && (heap[right] as Step).index < (heap[lowest] as Step).index) lowest = right;
        if (lowest === at) break;
        heap[at] = heap[lowest] as Step;
        heap[lowest] = last;
        at = lowest;
      }
    }
    return first;
  }
}
