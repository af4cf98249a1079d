// Failures the queue recovers from: a worker killed mid-step (the job stalls and another worker takes it, completed
// once), an executor killed mid-run (`workflow resume` adopts the job instead of enqueueing it again), and a Redis
// restarted empty mid-run (the lost job is enqueued again; finished steps do not run again).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { runCli, startCli } from '../helpers/cli.js';
import { queueConfig, queueProject, startWorker } from './queue-project.js';
import { REDIS_URL, startPrivateRedis, uniquePrefix } from './redis-fixture.js';

const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
const runIdOf = (stdout: string) => /Run (\S+) started/.exec(stdout)?.[1] as string;

interface AuditLine {
  event: string;
  step_id?: string;
  attempt?: number;
  details?: { worker_pid?: number; state?: string };
}
const auditOf = async (root: string): Promise<AuditLine[]> =>
  (await lines(path.join(root, '.tapps-agents', 'audit', 'execution_audit.jsonl'))).map((line) => JSON.parse(line) as AuditLine);

describe('queue recovery', () => {
  it('a worker killed mid-step: the job stalls, another worker completes it, once', { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix('stall');
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), 'wf.yaml': '' }, 2);
    const log = path.join(project.root, 'runs.log');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(project.executor, 'wf.yaml'), `id: stall\nname: Stall\nsteps:\n  - id: slow\n    run: echo "$TAPPS_AGENTS_PROJECT_ROOT" >> ${log}; sleep 3; echo done > done.txt\n    creates: [done.txt]\n`);
    const first = await startWorker(project.clones[0] as string);
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor });
    await waitFor(async () => (await lines(log)).length === 1, 'the step to start on the first worker', 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startWorker(project.clones[1] as string);
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(0);
    expect(await lines(log)).toEqual([project.clones[0], project.clones[1]]);
    expect(await readFile(path.join(project.executor, 'done.txt'), 'utf8')).toBe('done\n');
    const completed = (await auditOf(project.executor)).filter((entry) => entry.event === 'queue.completed');
    // One completion accepted, from the second worker, for the same attempt (at least once per attempt).
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ step_id: 'slow', attempt: 1, details: { worker_pid: second.pid } });
  });

  it('an executor killed mid-run: workflow resume adopts the running job instead of enqueueing it again', { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix('adopt');
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), 'wf.yaml': '' }, 1);
    const log = path.join(project.root, 'runs.log');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(project.executor, 'wf.yaml'), `id: adopt\nname: Adopt\nsteps:\n  - id: slow\n    run: echo ran >> ${log}; sleep 4; echo done > done.txt\n    creates: [done.txt]\n  - id: next\n    run: echo next > next.txt\n`);
    await startWorker(project.clones[0] as string);
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor });
    await waitFor(async () => (await lines(log)).length === 1, 'the step to start', 60_000);
    await waitFor(() => runIdOf(run.stdout()) !== undefined, 'the run id', 30_000);
    const runId = runIdOf(run.stdout());
    run.child.kill('SIGKILL');
    await run.exited;
    const resumed = await runCli(['workflow', 'resume', runId], { cwd: project.executor, timeoutMs: 120_000 });
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(await lines(log)).toEqual(['ran']);
    expect(await readFile(path.join(project.executor, 'done.txt'), 'utf8')).toBe('done\n');
    expect(await readFile(path.join(project.executor, 'next.txt'), 'utf8')).toBe('next\n');
    const audit = await auditOf(project.executor);
    expect(audit.filter((entry) => entry.event === 'queue.adopted' && entry.step_id === 'slow')).toHaveLength(1);
    expect(audit.filter((entry) => entry.event === 'queue.enqueued' && entry.step_id === 'slow')).toHaveLength(1);
  });

  it('Redis restarted empty mid-run: the lost job is enqueued again, finished steps are not run again', { timeout: 180_000 }, async () => {
    const redis = await startPrivateRedis();
    const prefix = uniquePrefix('restart', redis.url);
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: redis.url }), 'wf.yaml': '' }, 1);
    const log = path.join(project.root, 'runs.log');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      path.join(project.executor, 'wf.yaml'),
      `id: restart\nname: Restart\nsteps:\n  - id: first\n    run: echo first >> ${log}; echo 1 > first.txt\n  - id: second\n    run: echo second >> ${log}; sleep 3; echo 2 > second.txt\n    creates: [second.txt]\n`,
    );
    await startWorker(project.clones[0] as string);
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor });
    await waitFor(async () => (await lines(log)).includes('second'), 'the second step to start', 60_000);
    await redis.kill();
    await redis.restart();
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(0);
    const ran = await lines(log);
    expect(ran.filter((line) => line === 'first')).toHaveLength(1);
    expect(ran.filter((line) => line === 'second').length).toBeGreaterThanOrEqual(1);
    expect(await readFile(path.join(project.executor, 'second.txt'), 'utf8')).toBe('2\n');
    const audit = await auditOf(project.executor);
    expect(audit.some((entry) => entry.event === 'queue.requeued' && entry.step_id === 'second')).toBe(true);
    expect(audit.filter((entry) => entry.event === 'queue.completed' && entry.step_id === 'second')).toHaveLength(1);
  });
});
