// What a model step is given and what a run says it came to, with the built CLI: files named by params (inside the
// project only), the context budget, overwrite: false, the subject check at file:line, coding-agent CLIs that get
// paths instead of contents and fail when they do not write their target, and "completed with N failed steps".

import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../engines/fake-openai-server.js';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { autoProject, CONFIG } from '../reliability/project.js';

const KEY = 'sk-test-0123456789abcdef';
const env = { TEST_LLM_KEY: KEY };
const FAKE_CLAUDE = path.join(import.meta.dirname, '..', 'engines', 'fixtures', 'fake-claude.mjs');

function config(server: FakeOpenAiServer | undefined, extra = ''): string {
  const engines = server === undefined ? '' : `engines:\n  local:\n    provider: openai-compatible\n    base_url: ${server.baseUrl}\n    model: test-model\n    api_key_env: TEST_LLM_KEY\n`;
  return `agents:\n  default_engine: ${server === undefined ? 'claude' : 'local'}\n${extra}${engines}`;
}

function userPrompt(server: FakeOpenAiServer, index = 0): string {
  return String(server.requests[index]?.body.messages[1]?.content);
}

function runIdIn(stdout: string): string {
  return /Run (\S+) /.exec(stdout)?.[1] ?? '';
}

describe('what a model step is given', () => {
  it('gives a param that names a file inside the project as its content, and never a file outside it', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Design' });
    const outside = await testdir({ 'secret.md': 'OUTSIDE-SECRET' });
    const dir = await testdir({
      '.tapps-agents/config.yaml': config(server),
      'docs/requirements.md': 'R1: sign in with passkeys',
      'wf.yaml': [
        'id: wf',
        'name: Shop',
        'description: An online shop for plants',
        'params:',
        '  notes: docs/notes.md',
        'steps:',
        '  - step: Design',
        '    agent: architect',
        '    action: design-system',
        '    params:',
        '      target_file: design.md',
        '      requirements: docs/requirements.md',
        '      context: ../outside/secret.md',
        '',
      ].join('\n'),
      'docs/notes.md': 'N1: ship in spring',
    });
    await symlink(path.join(outside, 'secret.md'), path.join(dir, 'docs/link.md'));
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--param', 'extra=docs/link.md'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    const prompt = userPrompt(server);
    expect(prompt).toContain('Subject: docs/requirements.md\n');
    expect(prompt).toContain('## Workflow\n\nWorkflow: Shop\nDescription: An online shop for plants\nRun parameters:\n- notes: docs/notes.md\n- extra: docs/link.md\n');
    expect(prompt).toContain('## Inputs\n\n### docs/requirements.md (params.requirements)\n```md\nR1: sign in with passkeys\n```\n\n### docs/notes.md (run param "notes")\n```md\nN1: ship in spring\n```\n\n## Output');
    // A path out of the project (by ".." or by a symlink) is text, never read.
    expect(prompt).toContain('Additional context: ../outside/secret.md');
    expect(prompt).not.toContain('OUTSIDE-SECRET');
  });

  it('cuts the largest inputs first to the step\'s context_budget and says what was cut', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Plan' });
    const dir = await testdir({
      '.tapps-agents/config.yaml': config(server),
      'small.md': 's'.repeat(200),
      'big.md': 'b'.repeat(5000),
      'bigger.md': 'c'.repeat(9000),
      'wf.yaml': [
        'id: wf',
        'steps:',
        '  - step: Plan',
        '    agent: planner',
        '    action: plan',
        '    context_budget: 2200',
        '    requires: [small.md, big.md, bigger.md]',
        '    params:',
        '      description: the shop',
        '',
      ].join('\n'),
    });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    const prompt = userPrompt(server);
    // 2200 − 200 (small, whole) leaves 1000 for each of the two larger ones.
    expect(prompt).toContain(`### small.md (required artifact "small.md")\n\`\`\`md\n${'s'.repeat(200)}\n\`\`\`\n\n`);
    expect(prompt).toContain(`### big.md (required artifact "big.md")\n\`\`\`md\n${'b'.repeat(1000)}\n\`\`\`\n[cut: the first 1000 of 5000 characters are shown (context budget)]`);
    expect(prompt).toContain(`${'c'.repeat(1000)}\n\`\`\`\n[cut: the first 1000 of 9000 characters are shown (context budget)]`);
    expect(prompt).toContain('Note: the inputs are larger than the context budget of 2200 characters, so the largest were cut: big.md (1000 of 5000 characters shown), bigger.md (1000 of 9000 characters shown).');
  });

  it('takes the project budget from agents.context_budget in config.yaml', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Plan' });
    const dir = await testdir({
      '.tapps-agents/config.yaml': config(server, '  context_budget: 1500\n'),
      'big.md': 'b'.repeat(4000),
      'wf.yaml': 'id: wf\nsteps:\n  - step: Plan\n    agent: planner\n    action: plan\n    requires: big.md\n',
    });
    expect((await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env })).exitCode).toBe(0);
    expect(userPrompt(server)).toContain('[cut: the first 1500 of 4000 characters are shown (context budget)]');
  });

  it('rejects a model step that has no subject at file:line before anything runs', async () => {
    const server = await startFakeOpenAiServer();
    const dir = await testdir({
      '.tapps-agents/config.yaml': config(server),
      'wf.yaml': 'id: wf\nsteps:\n  - step: Tests\n    agent: tester\n    action: generate-tests\n    params:\n      target_file: tests/test_x.py\n',
    });
    const message = 'tester generate-tests has no subject (the code under test): give params.file, or params.description, or --param file=…, or a step it depends on (needs:) that writes or names a file';
    const validated = await runCli(['workflow', 'validate', 'wf.yaml'], { cwd: dir });
    expect(validated.exitCode).toBe(2);
    expect(validated.stderr).toContain(`wf.yaml:7:7: steps.0.params: ${message}`);
    const executed = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env });
    expect(executed.exitCode).toBe(2);
    expect(executed.stderr).toContain(`wf.yaml:7:7: steps.0.params: ${message}`);
    // A run param can give the subject.
    server.script({ text: 'def test_x(): pass' });
    const given = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--param', 'description=the parser'], { cwd: dir, env });
    expect(given.exitCode).toBe(0);
    expect(userPrompt(server)).toContain('Write automated tests for the parser: normal cases');
  });

  it('overwrite: false fails the step instead of replacing an existing target, and the key is validated', async () => {
    const server = await startFakeOpenAiServer();
    const dir = await testdir({
      '.tapps-agents/config.yaml': config(server),
      'requirements.md': '# mine\n',
      'wf.yaml': 'id: wf\nsteps:\n  - step: Req\n    agent: analyst\n    action: gather-requirements\n    overwrite: false\n    params:\n      description: a shop\n',
      'bad.yaml': 'id: bad\nsteps:\n  - step: Sh\n    run: "true"\n    overwrite: false\n  - step: Req\n    agent: analyst\n    action: gather-requirements\n    overwrite: "no"\n    params:\n      description: a shop\n',
    });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`step req: failed (attempt 1): wf.yaml:3: "requirements.md" already exists in ${dir} and the step says overwrite: false; remove it or drop overwrite: false`);
    expect(server.requests).toHaveLength(0);
    expect(await readFile(path.join(dir, 'requirements.md'), 'utf8')).toBe('# mine\n');
    const bad = await runCli(['workflow', 'validate', 'bad.yaml'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:5:5: steps.0.overwrite: applies only to model-backed steps (they write a target file); builtin steps write their own reports');
    expect(bad.stderr).toContain('bad.yaml:9:16: steps.1.overwrite: expected true or false, got "no"');
  });
});

describe('through a background agent in its own process', () => {
  it('the context travels in the command file: the design step of a daemon-run workflow gets requirements.md', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Requirements\n\n- R1' }, { text: '# Design' });
    const root = await autoProject({ '.tapps-agents/config.yaml': `${CONFIG}${config(server)}`, 'wf.yaml': await readFile(path.join(import.meta.dirname, '../../examples/my-workflow.yaml'), 'utf8') }, env);
    expect((await runCli(['background-agent', 'start'], { cwd: root, env })).exitCode).toBe(0);
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--param', 'audience=gardeners'], { cwd: root, env, timeoutMs: 90_000 });
    expect(result.stderr).toContain('Auto-execution: steps go to the background agent');
    expect(result.exitCode).toBe(0);
    const design = userPrompt(server, 1);
    expect(design).toContain('## Workflow\n\nWorkflow: My Workflow\nRun parameters:\n- audience: gardeners\n');
    expect(design).toContain('### requirements.md (written by step "gather-requirements")\n```md\n# Requirements\n\n- R1\n\n```');
    const command = JSON.parse(await readFile(path.join(root, `.tapps-agents/workflow-state/${runIdIn(result.stdout)}/steps/design-system/.cursor/.cursor-skill-command.claimed`), 'utf8')) as { context: unknown };
    expect(command.context).toMatchObject({ workflow: { name: 'My Workflow', description: '' }, params: { audience: 'gardeners' }, files: [{ path: 'requirements.md', step: 'gather-requirements', role: 'wrote' }], budget_chars: 96000, location: 'wf.yaml:13' });
  });
});

describe('a command file run by hand', () => {
  it('keeps prompt.md and the replaced target beside the command file', async () => {
    const server = await startFakeOpenAiServer();
    server.script({ text: '# Requirements v2' });
    const dir = await testdir({
      '.tapps-agents/config.yaml': config(server),
      'requirements.md': '# mine\n',
      '.cursor/.cursor-skill-command.txt': '@analyst gather-requirements --description "a plant shop"\n',
    });
    const result = await runCli(['workflow', 'execute-skill-command', '--command-file', '.cursor/.cursor-skill-command.txt'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    expect(await readFile(path.join(dir, 'requirements.md'), 'utf8')).toBe('# Requirements v2\n');
    expect(await readFile(path.join(dir, '.cursor/previous/attempt-1/requirements.md'), 'utf8')).toBe('# mine\n');
    const prompt = userPrompt(server);
    expect(prompt).toContain('Description: a plant shop\n');
    expect(prompt).toContain('## Workflow\n\n(this step is not part of a workflow run)\n');
    expect(await readFile(path.join(dir, '.cursor/prompt.md'), 'utf8')).toContain(`# Prompt\n\n${prompt}\n`);
  });
});

describe('coding-agent CLIs in a workflow step', () => {
  async function cliProject(mode: string, files: Record<string, string> = {}) {
    const dir = await testdir({
      '.tapps-agents/config.yaml': config(undefined),
      'wf.yaml': [
        'id: wf',
        'steps:',
        '  - step: Req',
        `    run: 'printf "R1: passkeys" > requirements.md'`,
        '    creates: requirements.md',
        '  - step: Design',
        '    agent: architect',
        '    action: design-system',
        '    params:',
        '      target_file: design.md',
        '',
      ].join('\n'),
      ...files,
    });
    await mkdir(path.join(dir, 'bin'));
    await copyFile(FAKE_CLAUDE, path.join(dir, 'bin', 'claude'));
    const log = path.join(dir, 'claude.log');
    const cliEnv = { PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}`, FAKE_CLAUDE_LOG: log, FAKE_CLAUDE_MODE: mode };
    return { dir, log, cliEnv };
  }

  it('names the input files and the expected outputs instead of pasting them', async () => {
    const { dir, log, cliEnv } = await cliProject('write');
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env: cliEnv });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const call = JSON.parse((await readFile(log, 'utf8')).trim()) as { args: string[] };
    const prompt = call.args.at(-1) ?? '';
    expect(prompt).toContain('## Inputs\n\nRead these files yourself (paths are relative to the current directory):\n- requirements.md (written by step "req")\n\n## Output\n\nWrite the result to "design.md" in the current directory (create folders as needed), then reply with a short summary. Expected outputs: design.md.');
    expect(prompt).not.toContain('R1: passkeys');
    const runId = runIdIn(result.stdout);
    const saved = await readFile(path.join(dir, `.tapps-agents/workflow-state/${runId}/steps/design/prompt.md`), 'utf8');
    expect(saved).toContain('engine claude (one argument: the system text, a blank line, then the prompt)');
    expect(prompt).toBe(`${saved.slice(saved.indexOf('# System\n\n') + 10, saved.indexOf('\n\n# Prompt\n\n'))}\n\n${saved.slice(saved.indexOf('# Prompt\n\n') + 10, -1)}`);
  });

  it('fails the step naming the target when the CLI only answered in chat, and leaves an existing target as it was', async () => {
    const { dir, cliEnv } = await cliProject('text', { 'design.md': '# my design\n' });
    await writeFile(path.join(dir, 'wf.yaml'), (await readFile(path.join(dir, 'wf.yaml'), 'utf8')).replace('      target_file: design.md\n', '      target_file: design.md\n    retry:\n      max_attempts: 1\n'));
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir, env: cliEnv });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('step design: failed (attempt 1): Engine "claude" finished without writing "design.md"; its answer was: "# Answer only in text"');
    expect(await readFile(path.join(dir, 'design.md'), 'utf8')).toBe('# my design\n');
    const runId = runIdIn(result.stdout);
    expect(await readFile(path.join(dir, `.tapps-agents/workflow-state/${runId}/steps/design/previous/attempt-1/design.md`), 'utf8')).toBe('# my design\n');
  });
});

describe('what a run says it came to', () => {
  it('a run with failed steps under on_error: continue "completed with 1 failed step" and exits 4', async () => {
    const dir = await testdir({
      'wf.yaml': 'id: wf\nsteps:\n  - step: Flaky\n    run: exit 3\n    on_error: continue\n    retry:\n      max_attempts: 1\n  - step: Fine\n    run: "true"\n',
    });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir });
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toMatch(/Run wf-\S+ completed with 1 failed step in .+: 1 failed, 1 succeeded\n/);
    expect(result.stdout).toContain('Failed steps: flaky (on_error: continue)');
    expect(result.stdout).not.toContain('succeeded in');
    const runId = runIdIn(result.stdout);
    const status = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ status: 'completed_with_failures', failed_steps: 1, summary: 'completed with 1 failed step', error: null });
    const text = await runCli(['workflow', 'status', runId], { cwd: dir });
    expect(text.stdout).toContain(`Run ${runId}: completed with 1 failed step\n`);
  });

  it('a run in which every step failed is failed (exit 1), also under on_error: continue', async () => {
    const dir = await testdir({
      'wf.yaml': 'id: wf\nsteps:\n  - step: A\n    run: exit 3\n    on_error: continue\n    retry:\n      max_attempts: 1\n  - step: B\n    run: exit 4\n    on_error: continue\n    retry:\n      max_attempts: 1\n',
    });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/Run wf-\S+ failed in .+: 2 failed\n/);
    expect(result.stdout).toContain('Error: every step failed');
    const status = JSON.parse((await runCli(['workflow', 'status', runIdIn(result.stdout), '--json'], { cwd: dir })).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ status: 'failed', failed_steps: 2, summary: 'failed', error: 'every step failed' });
  });
});
