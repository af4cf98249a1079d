// What a killed background agent leaves behind: its step's process group runs on (no exit hook runs on SIGKILL), and
// the next runner to start in the project kills it before running anything, so the step's retry never overlaps with
// it. Also: a runner in another process gives a step the variables the workflow sets for it.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/exec/process-alive.js';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { CRASH_ENV, spawnExecutor, startRunner } from './crash-harness.js';
import { autoProject } from './project.js';

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
}

describe('a background agent killed mid-step', () => {
  it('leaves the step running until the next runner starts, which kills it (audited) before the retry runs', { timeout: 120_000 }, async () => {
    const workflow = 'id: long\nname: Long\nsteps:\n  - id: wait\n    run: echo $$ >> pids.txt; sleep 60\n';
    const root = await autoProject({ 'wf.yaml': workflow }, CRASH_ENV);
    const runner = await startRunner(root);
    const executor = spawnExecutor(root, ['workflow', 'execute', '--workflow', 'wf.yaml']);
    try {
      const pids = path.join(root, 'pids.txt');
      // The step's shell leads its own process group: its pid is the group id.
      const [first] = await waitFor(async () => ((await lines(pids)).length === 1 ? lines(pids) : undefined), 'the step to start', 60_000);
      const orphan = Number(first);
      // Mid-step, not at the very instant of the spawn (see docs/reliability.md): the runner has recorded the group.
      const ledgerDir = path.join(root, '.tapps-agents', 'process-groups');
      await waitFor(async () => {
        const texts = await Promise.all((await readdir(ledgerDir).catch(() => [])).map((name) => readFile(path.join(ledgerDir, name), 'utf8').catch(() => '')));
        return texts.some((text) => text.includes(`"pid":${orphan}`)) ? true : undefined;
      }, 'the step in the runner\'s ledger', 30_000);
      process.kill(runner, 'SIGKILL');
      await waitFor(() => Promise.resolve(isProcessAlive(runner) ? undefined : true), 'the runner gone', 30_000, 20);
      expect(isProcessAlive(orphan)).toBe(true);

      await startRunner(root);
      // Killed before the new runner reported ready; the signal takes a moment to land.
      await waitFor(() => Promise.resolve(isProcessAlive(orphan) ? undefined : true), 'the orphaned step gone', 10_000, 20);
      const audit = await runCli(['auto-execution', 'audit', '--event', 'process.reaped', '--json'], { cwd: root });
      const events = (JSON.parse(audit.stdout) as { events: { details: { owner_pid: number; process_groups: number[] } }[] }).events;
      expect(events.map((event) => event.details)).toEqual([{ owner_pid: runner, process_groups: [orphan] }]);
      // The executor finds the runner gone and retries: a second run of the step, by the new runner.
      await waitFor(async () => ((await lines(pids)).length === 2 ? true : undefined), 'the retry', 60_000);
    } finally {
      executor.child.kill('SIGKILL');
      await runCli(['background-agent', 'stop', '--grace', '0s'], { cwd: root, env: CRASH_ENV });
    }
  });
});

describe('a step run by a background agent in another process', () => {
  it("gets the workflow's env for it and TAPPS_RUN_ID, TAPPS_STEP_ID, TAPPS_ATTEMPT, TAPPS_STEP_DIR", { timeout: 120_000 }, async () => {
    const workflow = 'id: vars\nname: Vars\nsteps:\n  - id: greet\n    env:\n      GREETING: hello\n    run: echo "$GREETING $TAPPS_RUN_ID $TAPPS_STEP_ID $TAPPS_ATTEMPT $TAPPS_STEP_DIR" > vars.txt\n';
    const root = await autoProject({ 'wf.yaml': workflow });
    await startRunner(root);
    const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--json'], { cwd: root, timeoutMs: 90_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    // --json prints one event per line; each names the run.
    const runId = (JSON.parse(run.stdout.split('\n')[0] as string) as { runId: string }).runId;
    expect((await readFile(path.join(root, 'vars.txt'), 'utf8')).trim()).toBe(`hello ${runId} greet 1 ${path.join(root, '.tapps-agents', 'workflow-state', runId, 'steps', 'greet')}`);
  });
});
