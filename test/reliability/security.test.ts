// Security: command-file text never reaches a shell; command files outside the watch paths or behind a symbolic link
// leading out of the project are refused and audited; secrets never land under .tapps-agents/; private file modes.

import { access, mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { stepDirOf, terminalStatus } from '../runner/helpers.js';
import { waitFor } from '../helpers/wait-for.js';
import { autoProject, filesContaining, loosePermissions } from './project.js';

const META = '$(touch pwned1); `touch pwned2`; touch pwned3 | touch pwned4 && touch pwned5';
const PWNED = ['pwned1', 'pwned2', 'pwned3', 'pwned4', 'pwned5'];

async function noPwned(...dirs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) for (const name of PWNED) if (await access(path.join(dir, name)).then(() => true, () => false)) found.push(path.join(dir, name));
  return found;
}

/** Writes a command file as the executor does: whole, by rename, so a runner never sees it half-written. */
async function writeCommand(dir: string, content: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, '.cmd.tmp'), content);
  await rename(path.join(dir, '.cmd.tmp'), path.join(dir, '.cursor-skill-command.txt'));
}

async function auditEvents(root: string): Promise<Array<{ event: string; details?: Record<string, unknown> }>> {
  const text = await readFile(path.join(root, '.tapps-agents', 'audit', 'execution_audit.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as { event: string; details?: Record<string, unknown> });
}

describe('command-file text never reaches a shell', () => {
  it('a command file with $(…), backticks, ; and | in every field runs none of it', { timeout: 90_000 }, async () => {
    const root = await autoProject();
    expect((await runCli(['background-agent', 'start'], { cwd: root })).exitCode).toBe(0);
    const stepDirs = ['reviewer', 'plain', 'unknown'].map((name) => stepDirOf(root, 'r1', name));
    const correlation = (step: string) => ({ workflow_id: META, run_id: 'r1', step_id: step, attempt: 1, created_at: META, expected_artifacts: [META] });
    const files = [
      { version: '2.0', command: `@reviewer *review --target-file "${META}.ts" --focus "${META}"`, correlation: correlation('reviewer'), worktree_path: META, instructions: META, engine: META, inputs: { [META]: META } },
      META,
      { version: '2.0', command: `@${META} *${META}`, correlation: correlation('unknown'), worktree_path: META, instructions: META, inputs: {} },
    ];
    for (const [index, dir] of stepDirs.entries()) {
      const content = files[index];
      await writeCommand(path.join(dir, '.cursor'), typeof content === 'string' ? `${content}\n` : JSON.stringify(content));
    }
    for (const dir of stepDirs) expect((await waitFor(() => terminalStatus(dir), `status of ${dir}`, 60_000)).status).toBe('failed');
    expect(await noPwned(root, ...stepDirs, path.join(root, '.tapps-agents'))).toEqual([]);
  });
});

describe('command files the runner must refuse', () => {
  it('refuses and audits a command file outside every watch path and one behind a symbolic link leading out', { timeout: 90_000 }, async () => {
    const outside = await testdir();
    const root = await autoProject({ 'elsewhere/.keep': '' });
    await mkdir(path.join(root, '.tapps-agents', 'workflow-state'), { recursive: true });
    await symlink(outside, path.join(root, '.tapps-agents', 'workflow-state', 'escape'));
    expect((await runCli(['background-agent', 'start'], { cwd: root })).exitCode).toBe(0);
    const command = JSON.stringify({ version: '2.0', command: '@shell *run --script "touch pwned1"' });
    // Matches no watch path (the agent watches .tapps-agents/workflow-state/**).
    await writeCommand(path.join(root, 'elsewhere'), command);
    // Matches the watch path, but the directory is a link to outside the project.
    await writeCommand(path.join(outside, 'steps', 'x', '.cursor'), command);
    // A legitimate step, so we know the runner has looked.
    const legit = stepDirOf(root, 'r1', 'ok');
    await writeCommand(path.join(legit, '.cursor'), JSON.stringify({ version: '2.0', command: '@shell *run --script "exit 0"' }));
    expect(await waitFor(() => terminalStatus(legit), "legit status", 60_000)).toMatchObject({ status: 'completed' });
    const refused = await waitFor(async () => {
      const events = (await auditEvents(root)).filter((event) => event.event === 'command.refused');
      return events.some((event) => String(event.details?.command_file).includes('escape')) ? events : undefined;
    }, 'command.refused for the link leading out', 60_000);
    expect(refused.map((event) => event.details?.reason)).toContain('it is reached through a symbolic link that leads out of the project');
    expect(await noPwned(root, path.join(root, 'elsewhere'), path.join(outside, 'steps', 'x'))).toEqual([]);
    await expect(access(path.join(outside, 'steps', 'x', '.cursor', '.cursor-skill-status.json'))).rejects.toThrow();
    await expect(access(path.join(root, 'elsewhere', '.cursor-skill-status.json'))).rejects.toThrow();
  });
});

describe('secrets and file modes after a full run', () => {
  it('no secret from the environment or the params appears in any file under .tapps-agents/, and modes are private', { timeout: 120_000 }, async () => {
    const secrets = {
      MY_SERVICE_TOKEN: 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      OPENAI_API_KEY: 'sk-proj-Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Jh0Gf9Ed8Cb7Aa6',
      ANTHROPIC_API_KEY: 'sk-ant-api03-Qw1Er2Ty3Ui4Op5As6Df7Gh8Jk9Lz0Xc',
    };
    const paramKey = 'sk-live-ParamKey0123456789abcdefABCDEF';
    const workflow = `id: secrets
steps:
  - id: uses-env
    run: test -n "$MY_SERVICE_TOKEN" && test -n "$OPENAI_API_KEY" && echo used > used.txt
  - id: api-key-param
    run: echo calling --api-key ${paramKey} > /dev/null
    # The key is redacted from the command file, so the runner refuses the step with a clear message.
    on_error: continue
  - id: last
    run: echo done > done.txt
    creates: [done.txt]
`;
    const root = await autoProject({ 'wf.yaml': workflow }, secrets);
    expect((await runCli(['background-agent', 'start'], { cwd: root, env: secrets })).exitCode).toBe(0);
    const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--param', `api_key=${paramKey}`], { cwd: root, env: secrets, timeoutMs: 90_000 });
    // api-key-param fails (its secret was redacted from the command file) under on_error: continue: exit 4.
    expect(run, run.stdout + run.stderr).toMatchObject({ exitCode: 4 });
    expect(run.stdout).toContain('holds a command whose secrets were redacted, so it cannot be run from the file. Pass secrets through environment variables (e.g. OPENAI_API_KEY) instead of step params.');
    expect(await readFile(path.join(root, 'used.txt'), 'utf8')).toBe('used\n');
    expect((await runCli(['background-agent', 'stop'], { cwd: root, env: secrets })).exitCode).toBe(0);
    const leaks = await filesContaining(path.join(root, '.tapps-agents'), [...Object.values(secrets), paramKey]);
    // Known gap (docs/reliability.md): a secret written literally in the workflow or given with --param is kept in the
    // run's copy of the workflow and its params so that resume can run the same thing. Environment secrets never are.
    const runDir = (/Run (\S+) started/.exec(run.stdout)?.[1] ?? '?');
    expect(leaks).toEqual([`workflow-state/${runDir}/state.json: ${paramKey}`, `workflow-state/${runDir}/workflow.yaml: ${paramKey}`]);
    expect(await loosePermissions(root, ['workflow-state', 'metrics', 'audit', 'runner'])).toEqual([]);
  });
});
