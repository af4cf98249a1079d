// N runners racing over the same command files: each attempt is executed exactly once (PRODUCT.md §9).
// Moved here from test/runner/claim-race.test.ts and parametrized: 4 runner processes over 1,000 command files.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../helpers/testdir.js';
import { finishedSteps, startRunnerProcess, stepDirOf, terminalStatus, writeAttempt } from '../runner/helpers.js';
import { waitFor } from '../helpers/wait-for.js';

const CONFIG = `agents:
  - name: racer
    type: background
    commands: ["tapps-agents workflow execute-skill-command --command-file {command_file_path}"]
    watch_paths: [".cursor-skill-command.txt"]
global:
  max_parallel_agents: 4
`;

describe.each([{ runners: 4, total: 1000 }])('$runners runners racing over $total command files', ({ runners: runnerCount, total }) => {
  it('execute each command file exactly once', { timeout: 240_000 }, async () => {
    const root = await testdir({ '.cursor/background-agents.yaml': CONFIG, '.tapps-agents/.keep': '' });
    const log = path.join(root, 'executions.log');
    const write = (index: number) =>
      writeAttempt(stepDirOf(root, 'race', `s${index}`), { runId: 'race', stepId: `s${index}` }, { agent: 'shell', action: 'run', params: { argv: ['sh', '-c', `echo s${index} >> "${log}"`] } });
    // Half are waiting before the runners start (found by the first scan), half arrive while they run (events).
    const writeRange = async (from: number, to: number) => {
      for (let index = from; index < to; index += 25) await Promise.all(Array.from({ length: Math.min(25, to - index) }, (_, offset) => write(index + offset)));
    };
    await writeRange(0, total / 2);
    const runners = await Promise.all(Array.from({ length: runnerCount }, () => startRunnerProcess(root, { singleton: false })));
    await writeRange(total / 2, total);

    const executed = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').length - 1;
    await waitFor(async () => ((await executed()) >= total ? true : undefined), `all ${total} executions`, 200_000, 250);
    await waitFor(async () => ((await finishedSteps(root, 'race')).length === total ? true : undefined), `all ${total} statuses`, 60_000, 500);
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(total);
    expect(new Set(lines).size).toBe(total);
    const statuses = await Promise.all(Array.from({ length: total }, (_, index) => terminalStatus(stepDirOf(root, 'race', `s${index}`))));
    expect(statuses.every((status) => status?.status === 'completed')).toBe(true);
    // More than one runner took part.
    expect(new Set(statuses.map((status) => status?.runner?.pid)).size).toBeGreaterThan(1);
    for (const runner of runners) runner.child.kill('SIGTERM');
  });
});
