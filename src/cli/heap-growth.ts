// The executor process's heap: V8 lets its old generation grow to up to 4 × what survived the last full collection
// before collecting again, and a workflow's load (YAML document, schema check, compiled steps) leaves a large set alive
// for a while — so a 10,000-step run held ~300 MB of RSS for a live heap of ~45 MB (docs/BENCHMARKS.md, "Linear
// scaling"). A smaller growth factor makes V8 collect sooner; it is no limit: the heap still grows to whatever a run
// keeps alive (docs/decisions.md, "The executor's heap growth").

import { setFlagsFromString } from 'node:v8';

/** How far (percent) the old generation may grow past its live size before the next full collection. */
export const EXECUTOR_HEAP_GROWING_PERCENT = 20;

const FLAG = '--heap-growing-percent';

/**
 * Sets V8's heap growth factor for this process, unless Node was started with one (`node --heap-growing-percent=N`, or
 * in NODE_OPTIONS), which is left as given.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env.NODE_OPTIONS, setFlags: (flags: string) => void = setFlagsFromString): void {
  const given = (text: string) => text.startsWith(FLAG) || text.startsWith('--heap_growing_percent');
  if (execArgv.some(given) || (nodeOptions ?? '').split(/\s+/).some(given)) return;
  setFlags(`${FLAG}=${EXECUTOR_HEAP_GROWING_PERCENT}`);
}
