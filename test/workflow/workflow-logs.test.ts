// Diagnosing an engine failure with the built CLI: the step error quotes the end of the CLI's stderr, the step's
// engine-output.log keeps everything it ran and said (secrets redacted), `workflow logs <run> <step>` prints it, and
// debug mode logs the argv and the names of the environment variables the engine got.

import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

const SECRET = 'very-secret-value-0123456789';

/** A coding-agent CLI (run as the aider engine) that prints to stdout, leaks a key, writes 20 stderr lines, exits 2. */
const BROKEN_CLI = [
  '#!/bin/sh',
  'echo "working on it"',
  'echo "using key $DIAG_SECRET_KEY"',
  'i=1; while [ $i -le 20 ]; do echo "stderr line $i" >&2; i=$((i+1)); done',
  'exit 2',
  '',
].join('\n');

async function project(): Promise<string> {
  const dir = await testdir({
    '.tapps-agents/config.yaml': 'agents:\n  default_engine: broken\nengines:\n  broken:\n    provider: aider\n    command: ./bin/broken-cli\n',
    'wf.yaml': 'id: wf\nsteps:\n  - step: Req\n    agent: analyst\n    action: gather-requirements\n    retry:\n      max_attempts: 1\n    params:\n      description: a shop\n  - step: Notify\n    run: "true"\n',
    'bin/broken-cli': BROKEN_CLI,
  });
  await chmod(path.join(dir, 'bin/broken-cli'), 0o755);
  // The command is relative to the step's directory (the project root here): an absolute path keeps it simple.
  await writeFile(path.join(dir, '.tapps-agents/config.yaml'), `agents:\n  default_engine: broken\nengines:\n  broken:\n    provider: aider\n    command: ${path.join(dir, 'bin/broken-cli')}\n`);
  return dir;
}

function runIdIn(stdout: string): string {
  return /Run (\S+) /.exec(stdout)?.[1] ?? '';
}

describe('workflow logs and engine diagnostics', () => {
  it('keeps the whole output, quotes the last 15 stderr lines in the error, and prints the log', async () => {
    const dir = await project();
    const env = { DIAG_SECRET_KEY: SECRET };
    expect((await runCli(['auto-execution', 'debug', 'on'], { cwd: dir })).exitCode).toBe(0);
    const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env });
    expect(run.exitCode).toBe(1);
    const runId = runIdIn(run.stdout);
    const tail = Array.from({ length: 15 }, (_, index) => `stderr line ${index + 6}`).join('\n');
    const cli = path.join(dir, 'bin/broken-cli');
    expect(run.stdout).toContain(`step req: failed (attempt 1): ${cli} exited with code 2; the last 15 lines of its stderr:\n${tail}`);
    expect(run.stdout).not.toContain('stderr line 5\n');

    const logs = await runCli(['workflow', 'logs', runId, 'req'], { cwd: dir });
    expect(logs.stderr).toBe('');
    expect(logs.exitCode).toBe(0);
    const lines = logs.stdout.split('\n');
    expect(lines[0]).toMatch(/^# tapps-agents engine output of step req, attempt 1, engine broken, \d{4}-\d\d-\d\dT/);
    expect(lines[1]).toBe('# Each stream keeps at most its last 1048576 bytes (1 MiB); secrets are redacted.');
    expect(lines[2]).toMatch(new RegExp(`^invocation: ${cli.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --message <the prompt: \\d+ characters, in prompt.md> --yes-always --no-auto-commits --no-check-update --no-pretty requirements.md$`));
    expect(lines[3]).toMatch(/^environment variables passed \(names only\): .*\bDIAG_SECRET_KEY\b.*\bTAPPS_RUN_ID\b/);
    expect(lines[4]).toBe('outcome: exit code 2');
    const stderrAll = Array.from({ length: 20 }, (_, index) => `stderr line ${index + 1}`).join('\n');
    expect(logs.stdout).toContain(`\n===== stdout (${'working on it\n'.length + `using key ${SECRET}\n`.length} bytes) =====\nworking on it\nusing key ***REDACTED***\n`);
    expect(logs.stdout).toContain(`\n===== stderr (${Buffer.byteLength(`${stderrAll}\n`)} bytes) =====\n${stderrAll}\n`);
    expect(logs.stdout).not.toContain(SECRET);
    // The file is in the step's directory, beside prompt.md.
    const json = JSON.parse((await runCli(['workflow', 'logs', runId, 'req', '--json'], { cwd: dir })).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ run_id: runId, step_id: 'req', step_status: 'failed', attempt: 1, output: logs.stdout, reason: null });
    expect(path.basename(String(json.log_file))).toBe('engine-output.log');
    expect(await readFile(path.join(path.dirname(String(json.log_file)), 'prompt.md'), 'utf8')).toContain('# Prompt');

    // Debug mode: the argv and the names (never the values) of the environment variables.
    const logDir = path.join(dir, '.tapps-agents', 'logs');
    const debugText = (await Promise.all((await readdir(logDir)).map((file) => readFile(path.join(logDir, file), 'utf8')))).join('');
    const entry = debugText.split('\n').filter((line) => line.includes('"engine command"')).map((line) => JSON.parse(line) as Record<string, unknown>)[0];
    expect(entry).toMatchObject({ engine: 'broken', command: cli });
    expect((entry?.args as string[]).slice(-5)).toEqual(['--yes-always', '--no-auto-commits', '--no-check-update', '--no-pretty', 'requirements.md']);
    expect(entry?.env_names).toContain('DIAG_SECRET_KEY');
    expect(debugText).not.toContain(SECRET);
  });

  it('says why a step has no engine output, and refuses unknown runs and steps with the usage exit code', async () => {
    const dir = await project();
    const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir });
    const runId = runIdIn(run.stdout);
    const skipped = await runCli(['workflow', 'logs', runId, 'notify'], { cwd: dir });
    expect(skipped).toMatchObject({ exitCode: 0, stderr: '' });
    expect(skipped.stdout).toMatch(new RegExp(`^Step notify of run ${runId} has no engine output: it was skipped`));
    await writeFile(path.join(dir, 'shell.yaml'), 'id: shell\nsteps:\n  - step: Notify\n    run: "true"\n');
    const shellRun = runIdIn((await runCli(['workflow', 'execute', '--workflow', 'shell.yaml'], { cwd: dir })).stdout);
    const shell = await runCli(['workflow', 'logs', shellRun, 'notify'], { cwd: dir });
    expect(shell.stdout).toBe(`Step notify of run ${shellRun} has no engine output: shell run has called no engine (builtin steps call none; a model-backed step writes engine-output.log once its engine has run)\n`);
    const unknownStep = await runCli(['workflow', 'logs', runId, 'nope'], { cwd: dir });
    expect(unknownStep).toMatchObject({ exitCode: 2, stdout: '' });
    expect(unknownStep.stderr).toContain(`Run ${runId} has no step "nope"; its steps are: req, notify`);
    const pathLike = await runCli(['workflow', 'logs', '../../etc', 'req'], { cwd: dir });
    expect(pathLike.exitCode).toBe(2);
    expect(pathLike.stderr).toBe('error: Run id "../../etc" is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."; use the id printed by "workflow execute" or "workflow list"\n');
    const unknownRun = await runCli(['workflow', 'logs', 'run-20260101-000000-abcd', 'req'], { cwd: dir });
    expect(unknownRun.exitCode).toBe(2);
    expect(unknownRun.stderr).toContain('run-20260101-000000-abcd');
    const help = await runCli(['workflow', 'logs', '--help'], { cwd: dir });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: tapps-agents workflow logs [options] <run-id> <step-id>');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('(engine-output.log; each stream keeps its last 1 MiB)');
  });
});
