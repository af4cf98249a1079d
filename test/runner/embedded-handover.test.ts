// The file transport and the runner in its process hand over in memory: the command goes to the runner with its text
// (the runner claims the file by rename but does not read it back), and the terminal status comes back to the wait
// (already renamed into place, so on disk before the attempt ends). Whenever the runner did not run the attempt, the
// wait falls back to the status file.

import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { formatCommandFile, type CommandFileInput } from '../../src/protocol/command-file.js';
import { protocolPaths } from '../../src/protocol/paths.js';
import { formatStatus, readStatusFile, writtenStatus } from '../../src/protocol/status-file.js';
import { Runner, type HandledCommand, type OfferExtras } from '../../src/runner/runner.js';
import { FileTransport } from '../../src/transport/file.js';
import type { LocalRunner } from '../../src/transport/local-runner.js';
import type { StepAttempt } from '../../src/transport/transport.js';
import { testdir } from '../helpers/testdir.js';
import { waitFor } from '../helpers/wait-for.js';
import { stepDirOf } from './helpers.js';

function attemptIn(root: string, stepId: string, script: string, attempt = 1): StepAttempt {
  const stepDir = stepDirOf(root, 'run-1', stepId);
  return {
    correlation: { workflow_id: 'wf', run_id: 'run-1', step_id: stepId, attempt, created_at: new Date().toISOString() },
    invocation: { agent: 'shell', action: 'run', params: { script } },
    stepDir,
    protocolDir: stepDir,
    expectedArtifacts: [],
    inputs: {},
    timeoutMs: 60_000,
    env: { ...process.env },
  };
}

function commandInput(attempt: StepAttempt): CommandFileInput {
  return { invocation: attempt.invocation, correlation: { ...attempt.correlation, expected_artifacts: [] }, worktreePath: attempt.stepDir, instructions: 'test', timeoutMs: attempt.timeoutMs, inputs: {} };
}

async function embeddedRunner(root: string): Promise<Runner> {
  const runner = new Runner({ projectRoot: root, embedded: true, config: await resolveConfig({ projectRoot: root }) });
  await runner.start();
  return runner;
}

/** Offers `attempt`'s command file (written first unless `write: false`) with its text; resolves to what the runner tells. */
async function offerInMemory(runner: Runner, attempt: StepAttempt, options: { write?: boolean } = {}): Promise<{ taken: boolean; handled: Promise<HandledCommand>; calls: () => number }> {
  const file = protocolPaths(attempt.stepDir).commandFile;
  const text = formatCommandFile(commandInput(attempt));
  if (options.write !== false) {
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(file), { recursive: true }));
    await writeFile(file, text);
  }
  let calls = 0;
  let told: (handled: HandledCommand) => void = () => undefined;
  const handled = new Promise<HandledCommand>((resolve) => (told = resolve));
  const extras: OfferExtras = {
    invocation: attempt.invocation,
    env: attempt.env,
    text,
    onHandled: (value) => {
      calls++;
      told(value);
    },
  };
  const offered = runner.offer(file, extras);
  return { taken: offered.taken, handled, calls: () => calls };
}

describe('the embedded runner handing back how an offered command ended', () => {
  it('tells the terminal status exactly as the status file now has it, and runs the text it was given', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const runner = await embeddedRunner(root);
    try {
      const attempt = attemptIn(root, 'build', 'echo hi > out.txt');
      const offer = await offerInMemory(runner, attempt);
      expect(offer.taken).toBe(true);
      const handled = await offer.handled;
      // Told only once the file is in place: what the executor learns from memory is what a reader of the file gets.
      const onDisk = await readStatusFile(protocolPaths(attempt.stepDir).statusFile);
      expect(handled.ran).toBe(true);
      expect(onDisk).toMatchObject({ kind: 'ok', report: { status: 'completed', terminal: true, correlation: { run_id: 'run-1', step_id: 'build', attempt: 1 } } });
      expect(handled.ran && handled.terminal.kind === 'ok' ? handled.terminal.report : undefined).toEqual(onDisk.kind === 'ok' ? onDisk.report : 'not ok');
      expect(await readFile(path.join(attempt.stepDir, 'out.txt'), 'utf8')).toBe('hi\n');
      // Claimed by the same rename as always.
      await expect(access(protocolPaths(attempt.stepDir).commandFile)).rejects.toThrow('ENOENT');
      expect(await readFile(protocolPaths(attempt.stepDir).claimedFile, 'utf8')).toBe(formatCommandFile(commandInput(attempt)));
      await runner.idle();
      expect(offer.calls()).toBe(1);
    } finally {
      await runner.stop({ graceMs: 0 });
    }
  });

  it('tells that it did not run a command file that is gone (claimed by another runner)', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const runner = await embeddedRunner(root);
    try {
      const offer = await offerInMemory(runner, attemptIn(root, 'gone', 'true'), { write: false });
      expect(await offer.handled).toMatchObject({ ran: false });
      await runner.idle();
      expect(offer.calls()).toBe(1);
    } finally {
      await runner.stop({ graceMs: 0 });
    }
  });

  it('tells a command still waiting for a slot that it will not run it when the runner stops, and the running one how it ended', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '', '.cursor/background-agents.yaml': `agents:
  - name: one slot
    type: background
    commands: ["tapps-agents workflow execute-skill-command --command-file {command_file_path}"]
    watch_paths: [".cursor-skill-command.txt"]
global:
  max_parallel_agents: 1
` });
    const runner = await embeddedRunner(root);
    const first = await offerInMemory(runner, attemptIn(root, 'first', 'sleep 0.5'));
    const second = await offerInMemory(runner, attemptIn(root, 'second', 'true'));
    await runner.stop({ graceMs: 30_000 });
    expect(await second.handled).toEqual({ ran: false, reason: `Runner ${runner.id} is stopping (state=stopping) and takes no command file` });
    expect(await first.handled).toMatchObject({ ran: true, terminal: { kind: 'ok', report: { status: 'completed' } } });
    // The command file not run stays where it is, for another runner.
    await access(protocolPaths(stepDirOf(root, 'run-1', 'second')).commandFile);
    expect([first.calls(), second.calls()]).toEqual([1, 1]);
  });
});

/** A runner in this process as the transport sees it, whose answer the test decides. */
function scriptedRunner(answer: (extras: OfferExtras) => void): LocalRunner {
  return {
    offer: (_file, extras) => {
      setTimeout(() => answer(extras), 20);
      return { taken: true };
    },
    cancel: () => undefined,
    stop: () => Promise.resolve(),
  };
}

const writer = { id: 'test', pid: process.pid, host: 'test-host' };

function statusText(stepId: string, outputs: Record<string, unknown>): string {
  return formatStatus({ status: 'completed', correlation: { workflow_id: 'wf', run_id: 'run-1', step_id: stepId, attempt: 1 }, command: '@shell run', startedAt: new Date().toISOString(), runner: writer, outputs });
}

describe('the file transport waiting on the runner in its process', () => {
  it('ends the attempt with the handed-over terminal status, without reading the status file', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const config = await resolveConfig({ projectRoot: root });
    const transport = new FileTransport({ projectRoot: root, config, localRunner: () => Promise.resolve(scriptedRunner((extras) => extras.onHandled?.({ ran: true, terminal: writtenStatus(statusText('build', { from: 'memory' })) }))) });
    // Nothing is written to the status file: the outcome can only come from what was handed over.
    const outcome = await transport.run(attemptIn(root, 'build', 'true'), new AbortController().signal);
    expect(outcome).toMatchObject({ status: 'success', outputs: { from: 'memory' } });
  });

  it('watches the status file after all when the runner did not run the attempt', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const config = await resolveConfig({ projectRoot: root });
    const transport = new FileTransport({ projectRoot: root, config, localRunner: () => Promise.resolve(scriptedRunner((extras) => extras.onHandled?.({ ran: false, reason: 'claimed by another runner' }))) });
    const attempt = attemptIn(root, 'build', 'true');
    const outcome = transport.run(attempt, new AbortController().signal);
    const paths = protocolPaths(attempt.stepDir);
    await waitFor(() => access(paths.commandFile).then(() => true, () => undefined), 'command file', 10_000);
    // Another runner (played by the test) reports; polling is every 5 s by default, so only the watch sees it soon.
    const started = Date.now();
    await writeFile(paths.statusFile, statusText('build', { from: 'file' }));
    expect(await outcome).toMatchObject({ status: 'success', outputs: { from: 'file' } });
    expect(Date.now() - started).toBeLessThan(config.autoExecution.polling.intervalMs);
  });
});
