// Helpers for runner tests: real runner processes, command files written like the executor writes them, statuses.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import type { SkillInvocation } from '../../src/protocol/skill-command.js';
import { writeCommandFile } from '../../src/protocol/command-file.js';
import { protocolPaths } from '../../src/protocol/paths.js';
import { readStatusFile, type StatusReport } from '../../src/protocol/status-file.js';

const RUNNER_PROCESS = fileURLToPath(new URL('./fixtures/runner-process.mjs', import.meta.url));

/** A runner process started by a test; killed when the test ends. */
export interface RunnerProcess {
  child: ChildProcess;
  pid: number;
  output: () => string;
}

/** Starts a runner in its own process and resolves once it is watching. */
export function startRunnerProcess(projectRoot: string, options: { singleton?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RunnerProcess> {
  const child = spawn(process.execPath, [RUNNER_PROCESS, projectRoot, ...(options.singleton === false ? ['--no-singleton'] : [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (output.includes('ready')) {
        child.stdout.off('data', onData);
        resolve({ child, pid: child.pid as number, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`runner exited with ${code}: ${output}`)));
  });
}

/** The step directory of step `stepId` of run `runId`. */
export function stepDirOf(projectRoot: string, runId: string, stepId: string): string {
  return path.join(projectRoot, '.tapps-agents', 'workflow-state', runId, 'steps', stepId);
}

/** Writes an attempt's command file as the executor does. */
export async function writeAttempt(
  stepDir: string,
  ids: { workflowId?: string; runId: string; stepId: string; attempt?: number },
  invocation: SkillInvocation,
  options: { expectedArtifacts?: string[]; timeoutMs?: number } = {},
): Promise<string> {
  const file = protocolPaths(stepDir).commandFile;
  await writeCommandFile(file, {
    invocation,
    correlation: { workflow_id: ids.workflowId ?? 'wf', run_id: ids.runId, step_id: ids.stepId, attempt: ids.attempt ?? 1, created_at: new Date().toISOString(), expected_artifacts: options.expectedArtifacts ?? [] },
    worktreePath: stepDir,
    instructions: 'test',
    timeoutMs: options.timeoutMs ?? 60_000,
    inputs: {},
  });
  return file;
}

/** The terminal status of a step directory, once written. */
export async function terminalStatus(stepDir: string): Promise<StatusReport | undefined> {
  const reading = await readStatusFile(protocolPaths(stepDir).statusFile);
  return reading.kind === 'ok' && reading.report.terminal ? reading.report : undefined;
}

/** The step ids under a run that have a terminal status. */
export async function finishedSteps(projectRoot: string, runId: string): Promise<string[]> {
  const steps = await readdir(path.join(projectRoot, '.tapps-agents', 'workflow-state', runId, 'steps')).catch(() => [] as string[]);
  const done = await Promise.all(steps.map(async (step) => ((await terminalStatus(stepDirOf(projectRoot, runId, step))) === undefined ? undefined : step)));
  return done.filter((step): step is string => step !== undefined);
}
