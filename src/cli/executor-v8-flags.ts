// The executor process's V8 settings. It lives long, goes through many short steps, and its costs are measured per
// step (docs/BENCHMARKS.md, issue 21), so two of V8's defaults for short scripts are changed:
// - Heap growth. V8 lets its old generation grow to up to 4 × what survived the last full collection before collecting
//   again, and a workflow's load (YAML document, schema check, compiled steps) leaves a large set alive for a while — so
//   a 10,000-step run held ~300 MB of RSS for a live heap of ~45 MB. A smaller growth factor makes V8 collect sooner;
//   it is no limit: the heap still grows to whatever a run keeps alive (docs/decisions.md, "The executor's heap growth").
// - The interrupt budget: how much a function runs before V8 considers optimising it. At the default the executor's
//   per-step code is recompiled by TurboFan again and again as its feedback changes, on the second of two cores; a
//   larger budget lets only the code that stays hot be optimised (docs/decisions.md, "The executor's interrupt budget").

import { setFlagsFromString } from 'node:v8';

/** How far (percent) the old generation may grow past its live size before the next full collection. */
export const EXECUTOR_HEAP_GROWING_PERCENT = 20;
/** Bytes of bytecode a function runs before V8 considers tiering it up (V8's default in Node 20: 132 KB). */
export const EXECUTOR_INTERRUPT_BUDGET = 1_000_000;

/** Each flag the executor sets, with its value. */
export const EXECUTOR_V8_FLAGS: readonly (readonly [flag: string, value: number])[] = [
  ['--heap-growing-percent', EXECUTOR_HEAP_GROWING_PERCENT],
  ['--interrupt-budget', EXECUTOR_INTERRUPT_BUDGET],
];

/**
 * Sets the executor's V8 flags for this process, each unless Node was started with it (`node --flag=N`, or in
 * NODE_OPTIONS; V8 spells a flag with `-` or `_` alike), which is left as given.
 */
export function tuneExecutorV8(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env.NODE_OPTIONS, setFlags: (flags: string) => void = setFlagsFromString): void {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map((argument) => argument.replaceAll('_', '-'));
  for (const [flag, value] of EXECUTOR_V8_FLAGS) {
    if (!given.some((argument) => argument === flag || argument.startsWith(`${flag}=`))) setFlags(`${flag}=${value}`);
  }
}
