// Deadlines of the file transport that cannot be lost (issue 14, class 4): a deadline at or under the polling interval
// still times out, a `timeout: 30d` does not overflow Node's timer, a FIFO where the status file should be never
// blocks the wait, and a runner that is alive but no longer heart-beating (SIGSTOP) fails the attempt as retryable.

import { spawn, spawnSync } from 'node:child_process';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import type { AuditEvent, ExecutionObserver } from '../../src/observability/observer.js';
import { protocolPaths } from '../../src/protocol/paths.js';
import { formatStatus } from '../../src/protocol/status-file.js';
import { FileTransport } from '../../src/transport/file.js';
import type { StepAttempt } from '../../src/transport/transport.js';
import { testdir } from '../helpers/testdir.js';
import { waitFor } from '../helpers/wait-for.js';

async function setup(intervalMs: number) {
  const root = await testdir({ '.tapps-agents/.keep': '' });
  const resolved = await resolveConfig({ projectRoot: root });
  const config: ResolvedConfig = { ...resolved, autoExecution: { ...resolved.autoExecution, polling: { ...resolved.autoExecution.polling, intervalMs } } };
  const events: Omit<AuditEvent, 'schemaVersion' | 'ts'>[] = [];
  const observer: ExecutionObserver = {
    recordExecution: () => Promise.resolve(),
    audit: (event) => {
      events.push(event);
      return Promise.resolve();
    },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  return { root, events, transport: new FileTransport({ projectRoot: root, config, observer, manual: true }) };
}

function attemptIn(root: string, timeoutMs: number): StepAttempt {
  return {
    correlation: { workflow_id: 'wf', run_id: 'wf-run', step_id: 'build', attempt: 1, created_at: new Date().toISOString() },
    invocation: { agent: 'shell', action: 'run', params: { script: 'true' } },
    stepDir: path.join(root, '.tapps-agents', 'workflow-state', 'wf-run', 'steps', 'build'),
    protocolDir: path.join(root, '.tapps-agents', 'workflow-state', 'wf-run', 'steps', 'build'),
    expectedArtifacts: [],
    inputs: {},
    timeoutMs,
    env: {},
  };
}

async function commandWritten(attempt: StepAttempt) {
  const paths = protocolPaths(attempt.protocolDir);
  await waitFor(() => import('node:fs/promises').then((fs) => fs.access(paths.commandFile).then(() => true, () => undefined)), 'command file', 30_000);
  return paths;
}

describe('file transport deadlines', () => {
  it.each([
    ['under the polling interval', 2000, 300],
    ['equal to the polling interval', 500, 500],
    ['just over the polling interval', 400, 450],
  ])('times out with a step timeout %s (interval %i ms, timeout %i ms)', async (_label, intervalMs, timeoutMs) => {
    const { root, transport } = await setup(intervalMs);
    const result = await transport.run(attemptIn(root, timeoutMs), new AbortController().signal);
    expect(result.status).toBe('timeout');
    expect(result.error).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('does not fire a 30d timeout at once (Node caps one timer at 2^31-1 ms)', async () => {
    const { root, transport } = await setup(100);
    const attempt = attemptIn(root, 30 * 86_400_000);
    const outcome = transport.run(attempt, new AbortController().signal);
    const paths = await commandWritten(attempt);
    // An overflowed timer would have ended the attempt as a timeout by now; the status completes it instead.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await writeFile(paths.statusFile, formatStatus({ status: 'completed', correlation: attempt.correlation, command: '@shell run', startedAt: new Date().toISOString(), runner: { id: 't', pid: process.pid, host: 'elsewhere' } }));
    expect(await outcome).toMatchObject({ status: 'success' });
  });

  it('times out, never hangs, when the status file is a FIFO', async () => {
    const { root, transport } = await setup(100);
    const attempt = attemptIn(root, 3000);
    const outcome = transport.run(attempt, new AbortController().signal);
    const paths = await commandWritten(attempt);
    expect(spawnSync('mkfifo', [paths.statusFile]).status).toBe(0);
    const result = await outcome;
    expect(result.status).toBe('timeout');
    expect(result.error).toEqual({
      code: 'STATUS_CORRUPT',
      message: `Step did not finish within 3s; its status file ${paths.statusFile} was still unreadable at the deadline (cannot read it: ${paths.statusFile} is a FIFO (named pipe), not a regular file; tapps-agents reads only regular files here. Remove it (or replace it with a regular file).)`,
      retryable: true,
    });
  });

  it('fails the attempt as retryable (RUNNER_STALLED) when its runner is alive but stopped', async () => {
    const previous = process.env.TAPPS_AGENTS_HEARTBEAT_MS;
    process.env.TAPPS_AGENTS_HEARTBEAT_MS = '100';
    const stopped = spawn('sleep', ['120'], { stdio: 'ignore' });
    onTestFinished(() => {
      if (previous === undefined) delete process.env.TAPPS_AGENTS_HEARTBEAT_MS;
      else process.env.TAPPS_AGENTS_HEARTBEAT_MS = previous;
      stopped.kill('SIGCONT');
      stopped.kill('SIGKILL');
    });
    const pid = stopped.pid as number;
    process.kill(pid, 'SIGSTOP');
    const { root, transport, events } = await setup(100);
    const attempt = attemptIn(root, 120_000);
    const outcome = transport.run(attempt, new AbortController().signal);
    const paths = await commandWritten(attempt);
    const beat = new Date(Date.now() - 60_000);
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.statusFile, formatStatus({ status: 'running', correlation: attempt.correlation, command: '@shell run', startedAt: beat.toISOString(), heartbeatAt: beat.toISOString(), runner: { id: 'stopped', pid, host: hostname() } }));
    await utimes(paths.statusFile, beat, beat);
    const result = await outcome;
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('RUNNER_STALLED');
    expect(result.error?.retryable).toBe(true);
    expect(result.error?.message).toMatch(
      new RegExp(`^The background agent running this step \\(pid ${pid} on ${hostname()} has sent no heartbeat for \\d+s, more than 10 intervals of 100 ms \\(it is stopped, e\\.g\\. by SIGSTOP; "kill -CONT ${pid}" resumes it\\)\\); the step can be retried\\. Check it with "tapps-agents background-agent status"$`),
    );
    expect(events.find((event) => event.event === 'runner.stalled')).toMatchObject({ details: { pid, stopped: true } });
  });
});
