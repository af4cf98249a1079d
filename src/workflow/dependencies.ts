// The dependency graph of a workflow: which steps must finish before a step may start, and cycle detection.
// Rule (docs/workflows.md "Order"): a step depends on what its `needs` names, on the steps that `creates` what it
// `requires`, and on any step whose `next` names it. A step that says none of these depends on the step before it in
// file order, so a plain list runs top to bottom and `needs: []` opts a step out into parallel.

import type { Step } from './model.js';

/** The subset of a step the graph needs (so the compiler can build it before the model is complete). */
export type GraphStep = Pick<Step, 'id' | 'needs' | 'requires' | 'creates' | 'next'> & {
  /** True when the step wrote `needs:` or `requires:` (even an empty list). */
  explicitDependencies: boolean;
};

/** For each step id, the ids it depends on (file order, no duplicates). */
export function dependencyMap(steps: readonly GraphStep[]): Map<string, string[]> {
  const creators = new Map<string, string>();
  for (const step of steps) for (const artifact of step.creates) if (!creators.has(artifact)) creators.set(artifact, step.id);
  const nextTargets = new Map<string, string[]>();
  for (const step of steps) if (step.next !== undefined) nextTargets.set(step.next, [...(nextTargets.get(step.next) ?? []), step.id]);

  const map = new Map<string, string[]>();
  steps.forEach((step, index) => {
    const deps = new Set<string>(step.needs);
    for (const artifact of step.requires) {
      const creator = creators.get(artifact);
      if (creator !== undefined && creator !== step.id) deps.add(creator);
    }
    for (const source of nextTargets.get(step.id) ?? []) if (source !== step.id) deps.add(source);
    if (!step.explicitDependencies && !nextTargets.has(step.id) && index > 0) deps.add((steps[index - 1] as GraphStep).id);
    map.set(step.id, [...deps]);
  });
  return map;
}

/** One dependency cycle as a path of step ids (first id repeated at the end), or undefined when there is none. */
export function findCycles(deps: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 'visiting') cycles.push([...stack.slice(stack.indexOf(dep)), dep].reverse());
      else if (seen === undefined) visit(dep);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of deps.keys()) if (!state.has(id)) visit(id);
  return cycles;
}

/** Every step `id` depends on, directly or through others. */
export function transitiveDependencies(deps: ReadonlyMap<string, readonly string[]>, id: string): Set<string> {
  const seen = new Set<string>();
  const pending = [...(deps.get(id) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...(deps.get(next) ?? []));
  }
  return seen;
}
