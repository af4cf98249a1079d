// What goes wrong on the queue, and what the user is told: an unreachable Redis (exit 69, URL without its password),
// a job that does not parse (failed, the worker goes on), a worker whose clone lacks the base commit, a diff over the
// cap, a step past its timeout and a cancelled run (the worker kills the step's process group).

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/exec/process-alive.js';
import { queueNameOf } from '../../src/queue/queue-names.js';
import { resolveProjectId } from '../../src/queue/project-id.js';
import { waitFor } from '../helpers/wait-for.js';
import { runCli, startCli } from '../helpers/cli.js';
import { gitIn } from '../worktree/gitdir.js';
import { queueConfig, queueProject, startWorker } from './queue-project.js';
import { freePort, REDIS_URL, uniquePrefix } from './redis-fixture.js';

const workflow = (steps: string) => `id: bad\nname: Bad\nsteps:\n${steps}`;
const stepStatus = async (cwd: string, runId: string) =>
  JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd })).stdout) as { steps: Record<string, { status: string; error?: { code: string; message: string } | null }> };
const runIdOf = (stdout: string) => /Run (\S+) started/.exec(stdout)?.[1] as string;

describe('queue transport, bad input', () => {
  it('an unreachable Redis: exit 69, the URL named without its password', async () => {
    const port = await freePort();
    const project = await queueProject({ 'wf.yaml': workflow('  - id: a\n    run: "true"\n') }, 0);
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--transport', 'queue'], { cwd: project.executor, env: { TAPPS_AGENTS_REDIS_URL: `redis://:sw0rdfish@127.0.0.1:${port}` } });
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain(`Cannot reach the queue's Redis at redis://:***@127.0.0.1:${port}`);
    expect(result.stdout + result.stderr).not.toContain('sw0rdfish');
    const worker = await runCli(['background-agent', 'run', '--queue', `redis://:sw0rdfish@127.0.0.1:${port}`], { cwd: project.executor });
    expect(worker.exitCode).toBe(69);
    expect(worker.stdout + worker.stderr).not.toContain('sw0rdfish');
  });

  it('a job that does not parse fails with a clear error, and the worker goes on serving', { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix('payload');
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), 'wf.yaml': workflow('  - id: a\n    run: echo ok > ok.txt\n    creates: [ok.txt]\n') }, 1);
    const worker = await startWorker(project.clones[0] as string);
    const { Queue, QueueEvents } = await import('bullmq');
    const name = queueNameOf((await resolveProjectId({ projectRoot: project.executor })).id);
    const queue = new Queue(name, { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    const events = new QueueEvents(name, { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    try {
      await events.waitUntilReady();
      const job = await queue.add('step', { schema: 'something-else', command: 'rm -rf /' }, { jobId: 'garbage-1' });
      const reason = await job.waitUntilFinished(events, 60_000).then(() => 'completed', (error: unknown) => String(error));
      expect(reason).toMatch(/JOB_INVALID: job garbage-1 does not parse as a step job/);
    } finally {
      await events.close();
      await queue.close();
    }
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor, timeoutMs: 90_000 });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(await readFile(path.join(project.executor, 'ok.txt'), 'utf8')).toBe('ok\n');
    expect(worker.child.exitCode).toBeNull();
  });

  it("a worker whose clone lacks the base commit: a step error saying to fetch", { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix('base');
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), 'wf.yaml': workflow('  - id: a\n    run: "true"\n') }, 1);
    await startWorker(project.clones[0] as string);
    // A commit the executor never pushed.
    await writeFile(path.join(project.executor, 'local.txt'), 'not pushed\n');
    await gitIn(project.executor, 'add', 'local.txt');
    await gitIn(project.executor, 'commit', '--quiet', '-m', 'local only');
    const head = await gitIn(project.executor, 'rev-parse', 'HEAD');
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor, timeoutMs: 90_000 });
    expect(result.exitCode).toBe(1);
    const error = (await stepStatus(project.executor, runIdOf(result.stdout))).steps.a?.error;
    expect(error?.code).toBe('BASE_COMMIT_MISSING');
    expect(error?.message).toContain(`Commit ${head} is not in this worker's clone ${project.clones[0]}, even after "git fetch origin"`);
  });

  it('changes over queue.max_changes_bytes: a step error naming the size, nothing applied', { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix('cap');
    const config = queueConfig({ prefix, url: REDIS_URL, extra: '  max_changes_bytes: 4096' });
    const project = await queueProject({ '.tapps-agents/config.yaml': config, 'wf.yaml': workflow('  - id: big\n    run: head -c 200000 /dev/urandom > big.bin\n') }, 1);
    await startWorker(project.clones[0] as string);
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor, timeoutMs: 90_000 });
    expect(result.exitCode).toBe(1);
    const error = (await stepStatus(project.executor, runIdOf(result.stdout))).steps.big?.error;
    expect(error?.code).toBe('CHANGES_TOO_LARGE');
    expect(error?.message).toMatch(/The step's changes are \d+(\.\d)? KB, over queue\.max_changes_bytes \(4\.0 KB\)/);
    await expect(readFile(path.join(project.executor, 'big.bin'))).rejects.toThrow();
  });

  it('past its timeout the step fails as timeout and the worker kills its processes', { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix('timeout');
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), 'wf.yaml': '' }, 1);
    const pidFile = path.join(project.root, 'sleeper.pid');
    await writeFile(path.join(project.executor, 'wf.yaml'), workflow(`  - id: slow\n    timeout: 3s\n    retry: { max_attempts: 1 }\n    run: echo $$ > ${pidFile}; exec sleep 120\n`));
    await startWorker(project.clones[0] as string);
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor, timeoutMs: 90_000 });
    expect(result.exitCode).toBe(1);
    expect((await stepStatus(project.executor, runIdOf(result.stdout))).steps.slow?.error?.code).toBe('TIMEOUT');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    await waitFor(() => !isProcessAlive(pid), 'the step process to be killed', 30_000);
  });

  it('a cancelled run (SIGINT) reaches the worker, which stops the step', { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix('cancel');
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), 'wf.yaml': '' }, 1);
    const pidFile = path.join(project.root, 'sleeper.pid');
    await writeFile(path.join(project.executor, 'wf.yaml'), workflow(`  - id: slow\n    run: echo $$ > ${pidFile}; exec sleep 120\n`));
    await startWorker(project.clones[0] as string);
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor });
    await waitFor(async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim() !== '', 'the step to start', 60_000);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    await waitFor(() => !isProcessAlive(pid), 'the step process to be killed', 30_000);
  });
});
