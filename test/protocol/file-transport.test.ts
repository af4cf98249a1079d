// The file transport against its contract, with the test playing the background agent: correlation, stale and
// foreign statuses, the original's status shapes, torn files, artifacts, dead runners, cancellation.

import { spawnSync } from 'node:child_process';
import { access, mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import type { AuditEvent, ExecutionObserver } from '../../src/observability/observer.js';
import { protocolPaths } from '../../src/protocol/paths.js';
import { formatStatus } from '../../src/protocol/status-file.js';
import { FileTransport } from '../../src/transport/file.js';
import { formatCommandFile } from '../../src/protocol/command-file.js';
import { Runner } from '../../src/runner/runner.js';
import type { AttemptOutcome, StepAttempt } from '../../src/transport/transport.js';
import { testdir } from '../helpers/testdir.js';
import { waitFor } from '../helpers/wait-for.js';

async function setup(intervalMs = 100, options: { manual?: boolean } = {}) {
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
  // Manual mode (the default here): nothing runs the step but the test itself. Otherwise the test plays a runner.
  const transport = new FileTransport({ projectRoot: root, config, observer, manual: options.manual ?? true });
  return { root, transport, events };
}

function attemptIn(root: string, overrides: Partial<StepAttempt> = {}, attempt = 1): StepAttempt {
  const stepDir = overrides.stepDir ?? path.join(root, '.tapps-agents', 'workflow-state', 'wf-run', 'steps', 'build');
  return {
    correlation: { workflow_id: 'wf', run_id: 'wf-run', step_id: 'build', attempt, created_at: new Date().toISOString() },
    invocation: { agent: 'shell', action: 'run', params: { script: 'true' } },
    stepDir,
    protocolDir: stepDir,
    expectedArtifacts: [],
    inputs: {},
    timeoutMs: 30_000,
    env: {},
    ...overrides,
  };
}

const writer = { id: 'test', pid: process.pid, host: 'elsewhere' };

function statusText(status: 'running' | 'completed' | 'failed', attempt: number, extra: Partial<Parameters<typeof formatStatus>[0]> = {}): string {
  return formatStatus({ status, correlation: { workflow_id: 'wf', run_id: 'wf-run', step_id: 'build', attempt }, command: '@shell run', startedAt: new Date().toISOString(), runner: writer, ...extra });
}

/** Starts `run` and waits until its command file is there (the transport is waiting). */
async function started(transport: FileTransport, attempt: StepAttempt, signal = new AbortController().signal) {
  const outcome = transport.run(attempt, signal);
  const paths = protocolPaths(attempt.stepDir);
  await waitFor(() => import('node:fs/promises').then((fs) => fs.access(paths.commandFile).then(() => true, () => undefined)), 'command file', 10_000);
  return { outcome, paths };
}

describe('file transport', () => {
  it('ignores (and audits) a status from another attempt, then completes on the matching one', async () => {
    const { root, transport, events } = await setup();
    const attempt = attemptIn(root, {}, 2);
    const { outcome, paths } = await started(transport, attempt);
    await writeFile(paths.statusFile, statusText('completed', 1));
    await waitFor(() => Promise.resolve(events.some((event) => event.event === 'status.rejected') ? true : undefined), 'status.rejected', 10_000);
    await writeFile(paths.statusFile, statusText('completed', 2, { outputs: { score: 91 } }));
    const result = await outcome;
    expect(result).toMatchObject({ status: 'success', outputs: { score: 91 } });
    expect(events.find((event) => event.event === 'status.rejected')).toMatchObject({ attempt: 2, details: { reason: 'other-attempt', found: { attempt: 1 } } });
  });

  it('never lets a status file left by an earlier attempt complete a new one', async () => {
    const { root, transport } = await setup();
    const attempt = attemptIn(root, { timeoutMs: 1500 }, 2);
    const paths = protocolPaths(attempt.stepDir);
    await mkdir(paths.dir, { recursive: true });
    // The original's legacy shape carries no attempt: only its age tells it is stale.
    await writeFile(paths.statusFile, JSON.stringify({ workflow_id: 'wf', step_id: 'build', status: 'completed', success: true, artifacts: [] }));
    const past = new Date(Date.now() - 60_000);
    await utimes(paths.statusFile, past, past);
    const result = await transport.run(attempt, new AbortController().signal);
    expect(result.status).toBe('timeout');
  });

  it("understands the original's v1.0 and legacy status shapes", async () => {
    const { root, transport } = await setup();
    const first = await started(transport, attemptIn(root));
    await writeFile(first.paths.statusFile, JSON.stringify({ version: '1.0', status: 'completed', artifacts: ['r.md'], output: 'ok', metadata: { workflow_id: 'wf', step_id: 'build', command: '@x y' } }));
    expect(await first.outcome).toMatchObject({ status: 'success', artifacts: ['r.md'], output: 'ok' });

    const second = await started(transport, attemptIn(root, { stepDir: path.join(root, '.tapps-agents', 'worktrees', 'wf-build') }, 2));
    await writeFile(second.paths.statusFile, JSON.stringify({ workflow_id: 'wf-run', step_id: 'build', status: 'failed', success: false, error: 'compiler crashed' }));
    expect(await second.outcome).toMatchObject({ status: 'failed', error: { message: 'compiler crashed', code: 'FAILED', retryable: false } });
  });

  it('tolerates a torn status file while it is rewritten', async () => {
    const { root, transport } = await setup();
    const { outcome, paths } = await started(transport, attemptIn(root));
    await writeFile(paths.statusFile, '{"version": "1.0", "status": "compl');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeFile(paths.statusFile, statusText('completed', 1));
    expect((await outcome).status).toBe('success');
  });

  it('reports a status file still corrupt at the deadline', async () => {
    const { root, transport } = await setup();
    const attempt = attemptIn(root, { timeoutMs: 1500 });
    const { outcome, paths } = await started(transport, attempt);
    await writeFile(paths.statusFile, '{"version": "1.0", "status": "compl');
    const result = await outcome;
    expect(result.status).toBe('timeout');
    expect(result.error).toEqual({
      code: 'STATUS_CORRUPT',
      message: `Step did not finish within 1.5s; its status file ${paths.statusFile} was still unreadable at the deadline (not valid JSON (Unterminated string in JSON at position 35))`,
      retryable: true,
    });
  });

  it('fails a completion whose expected artifacts are missing or older than the attempt, naming them', async () => {
    const { root, transport } = await setup();
    const attempt = attemptIn(root, { expectedArtifacts: ['fresh.md', 'old.md', 'missing.md'] });
    await mkdir(attempt.stepDir, { recursive: true });
    await writeFile(path.join(attempt.stepDir, 'old.md'), 'from an earlier run');
    const past = new Date(Date.now() - 60_000);
    await utimes(path.join(attempt.stepDir, 'old.md'), past, past);
    const { outcome, paths } = await started(transport, attempt);
    await writeFile(path.join(attempt.stepDir, 'fresh.md'), 'new');
    await writeFile(paths.statusFile, statusText('completed', 1));
    expect((await outcome).error).toEqual({
      code: 'ARTIFACT_MISSING',
      message: `Step finished but did not create "old.md", "missing.md" (expected in ${attempt.stepDir}, written during the attempt)`,
      retryable: true,
    });
  });

  it('fails as retryable when the runner writing "running" died (stale heartbeat, pid gone)', async () => {
    const { root, transport } = await setup();
    const { outcome, paths } = await started(transport, attemptIn(root));
    const dead = spawnSync('true').pid;
    const old = new Date(Date.now() - 60_000);
    await writeFile(paths.statusFile, statusText('running', 1, { runner: { id: 'gone', pid: dead, host: (await import('node:os')).hostname() }, heartbeatAt: old.toISOString() }));
    await utimes(paths.statusFile, old, old);
    const result: AttemptOutcome = await outcome;
    expect(result).toMatchObject({ status: 'failed', error: { code: 'RUNNER_DIED', retryable: true } });
    expect(result.error?.message).toBe(`The background agent running this step (pid ${dead} on ${(await import('node:os')).hostname()}) stopped sending heartbeats and is gone; the step can be retried`);
  });

  it('fails as retryable when a runner claimed the command but died before writing any status', async () => {
    const { root, transport } = await setup(100, { manual: false });
    const { outcome, paths } = await started(transport, attemptIn(root));
    // What a runner killed right after its claim leaves: the renamed file and no status. After the claim grace
    // period (5 s) the attempt ends.
    await rename(paths.commandFile, paths.claimedFile);
    const result = await outcome;
    expect(result).toMatchObject({ status: 'failed', error: { code: 'RUNNER_DIED', retryable: true } });
    expect(result.error?.message).toBe(`A background agent claimed this step (${paths.claimedFile}) but never reported on it; it was probably killed; the step can be retried`);
  });

  it('fails as retryable, beside a runner of its own, an adopted attempt whose claimer died with its executor before any status', async () => {
    const { root } = await setup(100, { manual: false });
    const config = await resolveConfig({ projectRoot: root });
    const runner = new Runner({ projectRoot: root, embedded: true, config });
    await runner.start();
    try {
      const transport = new FileTransport({ projectRoot: root, config: { ...config, autoExecution: { ...config.autoExecution, polling: { ...config.autoExecution.polling, intervalMs: 100 } } }, localRunner: () => Promise.resolve(runner) });
      const attempt = attemptIn(root, { timeoutMs: 20_000 });
      const paths = protocolPaths(attempt.stepDir);
      // What an executor killed with its embedded runner right after the claim leaves: the claimed file, no status.
      // Resumed at once, the claim is young, so the attempt is adopted; nobody will ever answer it.
      await mkdir(paths.dir, { recursive: true });
      await writeFile(paths.claimedFile, formatCommandFile({ invocation: attempt.invocation, correlation: { ...attempt.correlation, expected_artifacts: [] }, worktreePath: attempt.stepDir, instructions: '', timeoutMs: attempt.timeoutMs, inputs: {} }));
      const result = await transport.run(attempt, new AbortController().signal);
      expect(result).toMatchObject({ status: 'failed', error: { code: 'RUNNER_DIED', retryable: true } });
    } finally {
      await runner.stop({ graceMs: 0 });
    }
  });

  it('takes back its unclaimed command file when cancelled, so no runner starts it later', async () => {
    const { root, transport } = await setup(100, { manual: false });
    const controller = new AbortController();
    const { outcome, paths } = await started(transport, attemptIn(root), controller.signal);
    controller.abort();
    expect(await outcome).toMatchObject({ status: 'cancelled' });
    await expect(access(paths.commandFile)).rejects.toThrow('ENOENT');
    await expect(access(paths.cancelFile)).resolves.toBeUndefined();
  });

  it('adopts a finished status of the same attempt instead of dispatching it again (resume)', async () => {
    const { root, transport, events } = await setup();
    const attempt = attemptIn(root);
    const paths = protocolPaths(attempt.stepDir);
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.statusFile, statusText('completed', 1, { output: 'done before the executor restarted' }));
    const result = await transport.run(attempt, new AbortController().signal);
    expect(result).toMatchObject({ status: 'success', output: 'done before the executor restarted' });
    expect(events.filter((event) => event.event === 'command.written')).toEqual([]);
  });

  it('writes instructions in manual mode and stops waiting when cancelled', async () => {
    const { root, transport } = await setup();
    const controller = new AbortController();
    const { outcome, paths } = await started(transport, attemptIn(root, { invocation: { agent: 'shell', action: 'run', params: { script: 'echo hi' } } }), controller.signal);
    const instructions = await (await import('node:fs/promises')).readFile(paths.instructionsFile, 'utf8');
    expect(instructions).toContain(`tapps-agents workflow execute-skill-command --command-file ${paths.commandFile}`);
    expect(instructions).toContain('@shell run --script "echo hi"');
    controller.abort();
    expect(await outcome).toMatchObject({ status: 'cancelled' });
  });
});
