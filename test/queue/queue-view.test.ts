// One view of a scaled-out project, from the executor's machine: `auto-execution status` lists the queue's depth and
// live workers (host, pid, slots, version), `health` checks Redis, the queue and that a worker is live, and the
// metrics and history of a queue run name the worker of each attempt. Real Redis, a unique prefix per test, real
// worker processes in their own clones; a project on the file transport with no queue sees none of it.

import { hostname } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { packageVersion } from '../../src/package-files.js';
import { queueNameOf } from '../../src/queue/queue-names.js';
import { runCli, startCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { waitFor } from '../helpers/wait-for.js';
import { queueConfig, queueProject, startWorker, workerAgents } from './queue-project.js';
import { freePort, REDIS_URL, uniquePrefix } from './redis-fixture.js';

const SLOW = `id: slow
name: Slow
steps:
  - id: nap
    run: touch napping.txt; sleep 4; echo done > nap.txt
    creates: [nap.txt]
`;

interface HealthJson {
  overall: string;
  checks: { name: string; status: string; message: string; fix?: string; details: Record<string, unknown> }[];
}
interface StatusJson {
  queue?: { reachable: boolean; queue?: string; url: string; redis_version?: string; depth?: { waiting: number; active: number; delayed: number }; workers?: { host: string; pid: number; busy: number; free: number; version: string; state: string }[]; error?: string };
}

const json = async (args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ exitCode: number | null; value: unknown; text: string }> => {
  const result = await runCli([...args, '--json'], { cwd, env });
  return { exitCode: result.exitCode, value: JSON.parse(result.stdout), text: result.stdout + result.stderr };
};
const health = async (cwd: string, env: Record<string, string> = {}) => {
  const result = await json(['auto-execution', 'health'], cwd, env);
  return { ...result, value: result.value as HealthJson };
};
const status = async (cwd: string, env: Record<string, string> = {}) => {
  const result = await json(['auto-execution', 'status'], cwd, env);
  return { ...result, value: result.value as StatusJson };
};
const check = (report: HealthJson, name: string) => report.checks.find((entry) => entry.name === name);

describe('queue: one view of the system', () => {
  it('status shows the depth and a started worker with its slots; health is degraded without a worker and healthy with one; metrics and history name the worker', { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix('view');
    const id = `view-${prefix.slice(-8)}`;
    const config = queueConfig({ prefix, url: REDIS_URL, extra: `project:\n  id: ${id}\n` });
    const project = await queueProject({ '.tapps-agents/config.yaml': config, '.cursor/background-agents.yaml': workerAgents(2), 'wf.yaml': SLOW }, 1);
    const queue = queueNameOf(id);

    // Two jobs waiting and one delayed, before any worker: the depth as BullMQ counts it.
    const { Queue } = await import('bullmq');
    const direct = new Queue(queue, { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    onTestFinished(() => direct.close());
    await direct.add('step', { placeholder: 1 });
    await direct.add('step', { placeholder: 2 });
    await direct.add('step', { placeholder: 3 }, { delay: 3_600_000 });
    const before = await status(project.executor);
    expect(before.value.queue).toMatchObject({ reachable: true, queue, url: REDIS_URL, depth: { waiting: 2, active: 0, delayed: 1 }, workers: [] });
    expect(before.value.queue?.redis_version).toMatch(/^\d+\.\d+/);

    const degraded = await health(project.executor);
    expect(degraded.value.overall).toBe('degraded');
    expect(degraded.exitCode).toBe(1);
    expect(check(degraded.value, 'redis')).toMatchObject({ status: 'healthy' });
    expect(check(degraded.value, 'redis')?.message).toMatch(/^Redis \d+\.\d+\S* at redis:\/\/127\.0\.0\.1:6379 answers \(\d+ ms\)$/);
    expect(check(degraded.value, 'queue')).toMatchObject({ status: 'healthy', message: `queue ${queue} (prefix ${prefix}): 2 waiting, 0 active, 1 delayed` });
    expect(check(degraded.value, 'queue_workers')).toMatchObject({
      status: 'degraded',
      message: `no live worker takes jobs of queue ${queue}; 2 waiting`,
      fix: 'start one on a machine with a clone of the repository: tapps-agents background-agent start --queue redis://127.0.0.1:6379',
    });

    // The placeholders would be refused by a worker; only the delayed one stays.
    await direct.drain(false);
    const worker = await startWorker(project.clones[0] as string);
    const healthy = await health(project.executor);
    expect(check(healthy.value, 'queue_workers')).toMatchObject({ status: 'healthy', message: '1 live worker on 1 host (0 busy, 2 free slots)' });
    expect(healthy.value.checks.filter((entry) => entry.status !== 'healthy').map((entry) => entry.name)).toEqual([]);
    expect(healthy.value.overall).toBe('healthy');
    expect(healthy.exitCode).toBe(0);

    // A step running on the worker: one slot busy, one free, the job active.
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor });
    onTestFinished(() => run.stop());
    let busy: StatusJson['queue'];
    await waitFor(async () => {
      busy = (await status(project.executor)).value.queue;
      return busy?.workers?.[0]?.busy === 1 && busy.depth?.active === 1;
    }, 'the worker to report a busy slot', 60_000);
    expect(busy).toMatchObject({ depth: { waiting: 0, active: 1, delayed: 1 }, workers: [{ host: hostname(), pid: worker.pid, busy: 1, free: 1, version: packageVersion(), state: 'running' }] });
    const text = await runCli(['auto-execution', 'status'], { cwd: project.executor });
    expect(text.stdout).toContain(`Queue ${queue} at redis://127.0.0.1:6379 (Redis ${busy?.redis_version ?? ''}): 0 waiting, 1 active, 1 delayed`);
    expect(text.stdout).toMatch(new RegExp(`Queue workers \\(1\\)\\n  pid ${worker.pid}  on ${hostname()}  1 busy, 1 free  v${packageVersion().replaceAll('.', '\\.')}  heartbeat `));

    expect((await run.exited).code, run.stdout() + run.stderr()).toBe(0);
    const history = (await json(['auto-execution', 'history'], project.executor)).value as { executions: { step_id: string; worker?: { host: string; pid: number } }[] };
    expect(history.executions).toMatchObject([{ step_id: 'nap', worker: { host: hostname(), pid: worker.pid } }]);
    expect((await runCli(['auto-execution', 'history'], { cwd: project.executor })).stdout).toContain(`ran on: queue worker ${hostname()} (pid ${worker.pid})`);
    const metrics = (await json(['auto-execution', 'metrics'], project.executor)).value as { by_worker?: { host: string; pid: number; total: number }[] };
    expect(metrics.by_worker).toMatchObject([{ host: hostname(), pid: worker.pid, total: 1 }]);
  });

  it('Redis unreachable: health is unhealthy naming the URL without its password, status says so too', async () => {
    const port = await freePort();
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix: 'unused', url: `redis://127.0.0.1:${port}`, extra: 'project:\n  id: gone\n' }) }, 0);
    const env = { TAPPS_AGENTS_REDIS_URL: `redis://:sw0rdfish@127.0.0.1:${port}` };
    const unhealthy = await health(project.executor, env);
    expect(unhealthy.value.overall).toBe('unhealthy');
    expect(unhealthy.exitCode).toBe(2);
    expect(check(unhealthy.value, 'redis')).toMatchObject({ status: 'unhealthy', details: { url: `redis://:***@127.0.0.1:${port}` } });
    expect(check(unhealthy.value, 'redis')?.message).toContain(`Cannot reach the queue's Redis at redis://:***@127.0.0.1:${port}: `);
    // The queue and worker checks depend on Redis: not reported as separate failures.
    expect(check(unhealthy.value, 'queue')).toBeUndefined();
    const unreachable = await status(project.executor, env);
    expect(unreachable.value.queue).toMatchObject({ reachable: false, url: `redis://:***@127.0.0.1:${port}` });
    const text = await runCli(['auto-execution', 'health'], { cwd: project.executor, env });
    for (const output of [unhealthy.text, unreachable.text, text.stdout + text.stderr]) expect(output).not.toContain('sw0rdfish');
  });

  it('a project on the file transport with no queue configured gets no queue checks and no queue in status', async () => {
    const dir = await testdir({ '.tapps-agents/config.yaml': 'workflow:\n  concurrency: 2\n' });
    expect((await health(dir)).value.checks.map((entry) => entry.name)).toEqual(['background_agent_config', 'configuration', 'file_system', 'status_file_access', 'command_file_access', 'runner', 'worktrees', 'disk_space']);
    expect(Object.keys((await json(['auto-execution', 'status'], dir)).value as object)).toEqual(['active_runs', 'runners', 'damaged_runs', 'unusable_runner_files', 'recent_executions', 'unreadable_lines']);
  });
});
