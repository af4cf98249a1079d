// A background agent that is alive but no longer heart-beating (kill -STOP) is noticed (issue 14, class 4): the
// attempt it was running fails as retryable with RUNNER_STALLED naming its pid and heartbeat age, instead of waiting
// for the step's deadline, and `background-agent status` and `auto-execution health` report it as stalled.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { autoProject } from './project.js';

// Fast heartbeats, so the stall (10 intervals) is noticed after 2 s.
const ENV = { TAPPS_AGENTS_HEARTBEAT_MS: '200' };
const WORKFLOW = 'id: stall\nsteps:\n  - id: slow\n    run: sleep 60\n    timeout: 5m\n    retry:\n      max_attempts: 1\n';

describe('a SIGSTOPped background agent', () => {
  it('fails the running attempt as RUNNER_STALLED and is reported stalled', { timeout: 180_000 }, async () => {
    const root = await autoProject({ 'wf/w.yaml': WORKFLOW }, ENV);
    const started = await runCli(['background-agent', 'start', '--json'], { cwd: root, env: ENV });
    expect(started.exitCode, started.stderr).toBe(0);
    const pid = (JSON.parse(started.stdout) as { pid: number }).pid;
    onTestFinished(() => {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone
      }
    });

    const child = startCli(['workflow', 'execute', '--workflow', 'wf/w.yaml'], { cwd: root, env: ENV }).child;
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // Stopped once it is running the step (its status file says so).
    await waitFor(async () => {
      const runs = await readdir(path.join(root, '.tapps-agents/workflow-state')).catch((): string[] => []);
      for (const run of runs) {
        const names = await readdir(path.join(root, '.tapps-agents/workflow-state', run, 'steps', 'slow', '.cursor')).catch((): string[] => []);
        if (names.includes('.cursor-skill-status.json')) return true;
      }
      return undefined;
    }, 'the step running', 60_000);
    process.kill(pid, 'SIGSTOP');

    expect(await exited).toBe(1);
    expect(output).toMatch(new RegExp(`The background agent running this step \\(pid ${pid} on .+ has sent no heartbeat for \\d+s, more than 10 intervals of 200 ms \\(it is stopped, e\\.g\\. by SIGSTOP; "kill -CONT ${pid}" resumes it\\)\\); the step can be retried`));

    // The runner's own heartbeat (every 2 s) is 10 intervals old after 20 s.
    const status = await waitFor(async () => {
      const result = await runCli(['background-agent', 'status'], { cwd: root, env: ENV });
      return result.stderr.includes('is stalled') ? result : undefined;
    }, 'background-agent status to report the stall', 90_000, 1000);
    expect(status.exitCode).toBe(1);
    expect(status.stderr).toMatch(new RegExp(`^Background agent pid ${pid} on .+ is stalled: it has sent no heartbeat for \\d+s, more than 10 intervals of 2000 ms \\(it is stopped, e\\.g\\. by SIGSTOP; "kill -CONT ${pid}" resumes it\\)\\. Resume it, or stop it with "tapps-agents background-agent stop" and start a new one\\.$`, 'm'));
    const health = await runCli(['auto-execution', 'health', '--json'], { cwd: root, env: ENV });
    const runner = (JSON.parse(health.stdout) as { checks: { name: string; status: string; details: Record<string, unknown> }[] }).checks.find((check) => check.name === 'runner');
    expect(runner).toMatchObject({ status: 'unhealthy', details: { pid, stalled: true } });

    process.kill(pid, 'SIGCONT');
  });
});
