// `background-agent start --queue`: the worker started detached (src/runner/start-detached-cli.ts, shared with the
// runner daemon's start) answers once it takes jobs, and a worker that cannot reach Redis fails the start with 69.

import { describe, expect, it, onTestFinished } from 'vitest';
import { isProcessAlive } from '../../src/exec/process-alive.js';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { queueConfig, queueProject } from './queue-project.js';
import { freePort, REDIS_URL, uniquePrefix } from './redis-fixture.js';

describe('background-agent start --queue', () => {
  it('returns once the detached worker takes jobs, naming its pid, queue and log', { timeout: 60_000 }, async () => {
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix: uniquePrefix('start'), url: REDIS_URL }) }, 1);
    const clone = project.clones[0] as string;
    const result = await runCli(['background-agent', 'start', '--queue', '--json'], { cwd: clone, timeoutMs: 45_000 });
    expect(result.exitCode).toBe(0);
    const started = JSON.parse(result.stdout) as { pid: number; queue: string; url: string; log_file: string };
    onTestFinished(async () => {
      if (isProcessAlive(started.pid)) process.kill(started.pid, 'SIGTERM');
      await waitFor(() => !isProcessAlive(started.pid), 'the worker gone', 20_000).catch(() => isProcessAlive(started.pid) && process.kill(started.pid, 'SIGKILL'));
    });
    expect(isProcessAlive(started.pid)).toBe(true);
    expect(started).toMatchObject({ url: REDIS_URL, log_file: `${clone}/.tapps-agents/queue/worker.log` });
    expect(started.queue).toMatch(/\S/);
  });

  it('fails with exit 69 and the end of the worker log when the worker cannot reach Redis', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const project = await queueProject({}, 1);
    const result = await runCli(['background-agent', 'start', '--queue', `redis://127.0.0.1:${port}`], { cwd: project.clones[0] as string, timeoutMs: 45_000 });
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain('The queue worker exited at start (code 69):\n');
    expect(result.stderr).toContain(`Cannot reach the queue's Redis at redis://127.0.0.1:${port}`);
  });
});
