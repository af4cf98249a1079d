// The queue transport end to end: an executor and worker processes, each with its own clone of a bare origin
// repository (simulated hosts), against the real Redis on 127.0.0.1 with a key prefix of the test's own.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { queueConfig, queueProject, startWorker, workerAgents } from './queue-project.js';
import { REDIS_URL, uniquePrefix } from './redis-fixture.js';

const PARALLEL = `id: spread
name: Spread
steps:
${[1, 2, 3, 4].map((n) => `  - id: s${n}\n    needs: []\n    run: echo "$TAPPS_AGENTS_PROJECT_ROOT" > out-${n}.txt; sleep 1\n    creates: [out-${n}.txt]`).join('\n')}
  - id: after
    run: cat out-1.txt out-2.txt out-3.txt out-4.txt > all.txt
    requires: [out-1.txt, out-2.txt, out-3.txt, out-4.txt]
    creates: [all.txt]
`;

describe('queue transport', () => {
  it('spreads parallel steps over four workers, each in its own clone, and brings their files back', { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix('spread');
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), '.cursor/background-agents.yaml': workerAgents(1), 'wf.yaml': PARALLEL }, 4);
    const workers = await Promise.all(project.clones.map((clone) => startWorker(clone)));
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor, timeoutMs: 150_000 });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain('Queue transport: steps go to the workers of queue');
    const ranIn = await Promise.all([1, 2, 3, 4].map(async (n) => (await readFile(path.join(project.executor, `out-${n}.txt`), 'utf8')).trim()));
    // Each step ran in a worker's clone (never the executor's), and one slot per worker spread them over several.
    for (const dir of ranIn) expect(project.clones).toContain(dir);
    expect(new Set(ranIn).size).toBeGreaterThanOrEqual(2);
    // The dependent step got its inputs from the executor (they were never committed) and its output came back.
    expect((await readFile(path.join(project.executor, 'all.txt'), 'utf8')).trim().split('\n')).toEqual(ranIn);
    // The executor's audit names the worker of each remote attempt.
    const audit = (await readFile(path.join(project.executor, '.tapps-agents', 'audit', 'execution_audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; step_id?: string; details?: { worker_pid?: number } });
    const completed = audit.filter((entry) => entry.event === 'queue.completed');
    expect(completed.map((entry) => entry.step_id).sort()).toEqual(['after', 's1', 's2', 's3', 's4']);
    for (const entry of completed) expect(workers.map((worker) => worker.pid)).toContain(entry.details?.worker_pid);
  });

  it('a step that rewrites an input with the same content still counts as having created it; one that does not write it fails; a rerun replaces its own earlier output', { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix('rewrite');
    // The pause puts the rewrite well past the artifact check's slack after the first write reached the executor.
    const same = `id: same
name: Same
steps:
  - id: first
    run: echo same > same.txt
    creates: [same.txt]
  - id: pause
    run: sleep 2
  - id: again
    needs: [pause]
    requires: [same.txt]
    run: echo same > same.txt
    creates: [same.txt]
`;
    const lazy = `id: lazy
name: Lazy
steps:
  - id: first
    run: echo same > same.txt
    creates: [same.txt]
  - id: idle
    requires: [same.txt]
    run: "true"
    creates: [same.txt]
    retry: { max_attempts: 1 }
`;
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), '.cursor/background-agents.yaml': workerAgents(1), 'same.yaml': same, 'lazy.yaml': lazy }, 1);
    await startWorker(project.clones[0] as string);
    const ok = await runCli(['workflow', 'execute', '--workflow', 'same.yaml'], { cwd: project.executor, timeoutMs: 120_000 });
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    // same.txt is there, untracked, from the first run: its steps create it again and replace it.
    const rerun = await runCli(['workflow', 'execute', '--workflow', 'same.yaml'], { cwd: project.executor, timeoutMs: 120_000 });
    expect(rerun.exitCode, rerun.stdout + rerun.stderr).toBe(0);
    const failed = await runCli(['workflow', 'execute', '--workflow', 'lazy.yaml'], { cwd: project.executor, timeoutMs: 120_000 });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/Step finished but did not create "same\.txt" \(expected in \S+ on worker \S+, written during the attempt\)/);
  });
});
