// The foundation as a new user meets it: init, generate, validate, config show, and bad input — through the built CLI.

import { access, chmod, constants, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

/** True when user "nobody" can traverse to and read the built CLI (not so when the checkout is under /root). */
async function nobodyCanRun(): Promise<boolean> {
  for (let dir = path.dirname(CLI_BIN); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
  }
  try {
    await access(CLI_BIN, constants.R_OK);
    return ((await stat(CLI_BIN)).mode & 0o004) !== 0;
  } catch {
    return false;
  }
}

/** Every file under `root` with its content, to prove a failing command wrote nothing. */
async function snapshotTree(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    result[path.relative(root, file)] = entry.isFile() ? await readFile(file, 'utf8').catch(() => '<unreadable>') : '<dir>';
  }
  return result;
}

describe('tapps-agents --help and --version', () => {
  it('prints the version from package.json', async () => {
    const dir = await testdir();
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runCli(['--version'], { cwd: dir });
    expect(result).toEqual({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('lists the command groups and the exit codes', async () => {
    const result = await runCli(['--help'], { cwd: await testdir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('init [options]');
    expect(result.stdout).toContain('background-agent-config|bg-config');
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 failed (or degraded), 2 usage or invalid input, 3 conflict, 124 timeout, 130 interrupted.');
  });

  it('rejects an unknown command with a suggestion and exit code 2', async () => {
    const result = await runCli(['inti'], { cwd: await testdir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("error: unknown command 'inti'\n(Did you mean init?)\n");
  });

  it('reports a usage error as JSON on stdout with --json', async () => {
    const result = await runCli(['config', 'show', '--jsn', '--json'], { cwd: await testdir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'USAGE', message: "unknown option '--jsn'\n(Did you mean --json?)", details: { commander: 'commander.unknownOption' } } });
  });

  it('shows help with exit code 2 when a group is given no subcommand', async () => {
    const result = await runCli(['background-agent-config'], { cwd: await testdir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('generate|gen [options]');
  });
});

describe('tapps-agents init', () => {
  it('writes the four files, then keeps them on a second run', async () => {
    const dir = await testdir();
    const first = await runCli(['init'], { cwd: dir });
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe(
      [
        'created  .tapps-agents/config.yaml',
        'created  .tapps-agents/auto_execution_config.yaml',
        'created  .cursor/background-agents.yaml',
        'created  .tapps-agents/.gitignore',
        '',
        'Next: tapps-agents background-agent-config validate, then tapps-agents workflow execute --workflow <file>',
        '',
      ].join('\n'),
    );
    await writeFile(path.join(dir, '.tapps-agents/config.yaml'), 'workflow: {}\n');
    const second = await runCli(['init', '--json'], { cwd: dir });
    expect(JSON.parse(second.stdout)).toEqual({
      project_root: dir,
      files: [
        { path: '.tapps-agents/config.yaml', action: 'kept' },
        { path: '.tapps-agents/auto_execution_config.yaml', action: 'kept' },
        { path: '.cursor/background-agents.yaml', action: 'kept' },
        { path: '.tapps-agents/.gitignore', action: 'kept' },
      ],
    });
    expect(await readFile(path.join(dir, '.tapps-agents/config.yaml'), 'utf8')).toBe('workflow: {}\n');
    const forced = await runCli(['init', '--force', '--json'], { cwd: dir });
    expect((JSON.parse(forced.stdout) as { files: { action: string }[] }).files.map((file) => file.action)).toEqual(['replaced', 'replaced', 'replaced', 'replaced']);
    expect(await readFile(path.join(dir, '.tapps-agents/config.yaml'), 'utf8')).toContain('auto_execution_enabled: true');
  });

  it('gives an initialised project the seed quick start settings', async () => {
    const dir = await testdir();
    await runCli(['init'], { cwd: dir });
    const shown = await runCli(['config', 'show', '--json'], { cwd: dir });
    expect(shown.exitCode).toBe(0);
    const settings = (JSON.parse(shown.stdout) as { settings: Record<string, { value: unknown; source: string }> }).settings;
    // From config.yaml, the file the seed says to edit, and overridden by nothing: the files init writes agree.
    expect(settings['auto_execution.enabled']).toEqual({ value: true, display: 'true', source: '.tapps-agents/config.yaml:9:27' });
    expect(settings['polling.interval']).toEqual({ value: 5000, display: '5s', source: '.tapps-agents/config.yaml:10:21' });
    expect(settings['polling.timeout']).toEqual({ value: 3_600_000, display: '1h', source: '.tapps-agents/config.yaml:11:20' });
    expect(settings['retry.max_attempts']?.value).toBe(3);
    expect(Object.entries(settings).filter(([, setting]) => 'overrides' in setting)).toEqual([]);
    const text = await runCli(['config', 'show'], { cwd: dir });
    expect(text.stdout).not.toContain('Overridden');
  });

  it('after init, editing config.yaml as the seed says takes effect (nothing in auto_execution_config.yaml outranks it)', async () => {
    const dir = await testdir();
    await runCli(['init'], { cwd: dir });
    const file = path.join(dir, '.tapps-agents/config.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('timeout_seconds: 3600 ', 'timeout_seconds: 120  ').replace('auto_execution_enabled: true', 'auto_execution_enabled: false'));
    const settings = (JSON.parse((await runCli(['config', 'show', '--json'], { cwd: dir })).stdout) as { settings: Record<string, { value: unknown; source: string }> }).settings;
    expect(settings['polling.timeout']).toMatchObject({ value: 120_000, source: '.tapps-agents/config.yaml:11:20' });
    expect(settings['auto_execution.enabled']).toMatchObject({ value: false, source: '.tapps-agents/config.yaml:9:27' });
  });
});

describe('tapps-agents config show', () => {
  it('shows defaults on a project with no configuration', async () => {
    const dir = await testdir({ '.git/HEAD': 'ref: refs/heads/main\n' });
    const result = await runCli(['config', 'show'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Project: ${dir}\n`);
    expect(result.stdout).toMatch(/^auto_execution\.enabled +false +default$/m);
    expect(result.stdout).toMatch(/^polling\.interval +5s +default$/m);
  });

  it('flags every key overridden by a higher-precedence place, naming the file:line that loses and the one that wins', async () => {
    const dir = await testdir({
      '.tapps-agents/config.yaml': 'workflow:\n  auto_execution_enabled: true\n  polling_interval: 2\n  timeout_seconds: 10m\n',
      '.tapps-agents/auto_execution_config.yaml': 'auto_execution:\n  enabled: false\n  polling:\n    timeout_seconds: 2h\n  version: "1.0"\n',
    });
    const text = await runCli(['config', 'show'], { cwd: dir });
    expect(text.exitCode).toBe(0);
    expect(text.stdout.slice(text.stdout.indexOf('\nOverridden'))).toBe(
      [
        '',
        'Overridden settings:',
        '  .tapps-agents/config.yaml:2:27 workflow.auto_execution_enabled (true) is overridden by .tapps-agents/auto_execution_config.yaml:2:12 auto_execution.enabled (false), which takes precedence',
        '  .tapps-agents/config.yaml:4:20 workflow.timeout_seconds (10m) is overridden by .tapps-agents/auto_execution_config.yaml:4:22 auto_execution.polling.timeout_seconds (2h), which takes precedence',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await runCli(['config', 'show', '--auto', '--json'], { cwd: dir })).stdout) as { settings: Record<string, { overrides?: unknown }> };
    expect(json.settings['auto_execution.enabled']?.overrides).toEqual([
      { key: 'auto_execution.enabled', display: 'false', source: '.tapps-agents/auto_execution_config.yaml:2:12' },
      { key: 'workflow.auto_execution_enabled', display: 'true', source: '.tapps-agents/config.yaml:2:27' },
    ]);
    expect(json.settings['polling.interval']?.overrides).toBeUndefined();
  });

  it('applies the precedence flag > auto_execution_config.yaml > config.yaml > default, naming each source', async () => {
    const dir = await testdir({
      '.tapps-agents/config.yaml': 'workflow:\n  auto_execution_enabled: true\n  polling_interval: 2\n  timeout_seconds: 10m\n',
      '.tapps-agents/auto_execution_config.yaml': 'auto_execution:\n  enabled: false\n  polling:\n    interval_seconds: 500ms\n  version: "1.0"\n',
    });
    const plain = JSON.parse((await runCli(['config', 'show', '--json'], { cwd: dir })).stdout) as { settings: Record<string, { display: string; source: string }> };
    expect(plain.settings['auto_execution.enabled']).toMatchObject({ display: 'false', source: '.tapps-agents/auto_execution_config.yaml:2:12' });
    expect(plain.settings['polling.interval']).toMatchObject({ display: '500ms', source: '.tapps-agents/auto_execution_config.yaml:4:23' });
    expect(plain.settings['polling.timeout']).toMatchObject({ display: '10m', source: '.tapps-agents/config.yaml:4:20' });
    expect(plain.settings['retry.max_attempts']).toMatchObject({ display: '3', source: 'default' });
    const flagged = JSON.parse((await runCli(['config', 'show', '--auto', '--json'], { cwd: dir })).stdout) as { settings: Record<string, { display: string; source: string }> };
    expect(flagged.settings['auto_execution.enabled']).toMatchObject({ display: 'true', source: 'flag --auto' });
  });

  it('finds the project root from a subdirectory', async () => {
    const dir = await testdir({ '.tapps-agents/config.yaml': 'workflow:\n  concurrency: 7\n', 'src/deep/file.ts': '' });
    const result = await runCli(['config', 'show', '--json'], { cwd: path.join(dir, 'src/deep') });
    const shown = JSON.parse(result.stdout) as { project_root: string; settings: Record<string, { value: unknown }> };
    expect(shown.project_root).toBe(dir);
    expect(shown.settings['workflow.concurrency']?.value).toBe(7);
  });

  it('warns about an unknown key, naming the closest known one', async () => {
    const dir = await testdir({ '.tapps-agents/config.yaml': 'workflow:\n  polling_intervl: 3\n' });
    const result = await runCli(['config', 'show'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('\n.tapps-agents/config.yaml:2:3: warning: workflow.polling_intervl: unknown key "polling_intervl" is ignored; did you mean "polling_interval"?\n');
  });
});

describe('tapps-agents background-agent-config', () => {
  it('generates the seed default agent and validates it', async () => {
    const dir = await testdir({ '.git/HEAD': 'ref: refs/heads/main\n' });
    const generated = await runCli(['background-agent-config', 'generate'], { cwd: dir });
    expect(generated).toEqual({
      exitCode: 0,
      stdout: '✓ Generated .cursor/background-agents.yaml\nCheck it with: tapps-agents background-agent-config validate\n',
      stderr: '',
    });
    const text = await readFile(path.join(dir, '.cursor/background-agents.yaml'), 'utf8');
    expect(text).toContain('- name: "TappsCodingAgents Workflow Executor"');
    expect(text).toContain('- "tapps-agents workflow execute-skill-command --command-file {command_file_path}"');
    expect(text).toContain('# Background agents for tapps-agents.');
    const validated = await runCli(['background-agent-config', 'validate'], { cwd: dir });
    expect(validated).toEqual({ exitCode: 0, stdout: '✓ .cursor/background-agents.yaml is valid (1 agent, 1 enabled)\n', stderr: '' });
  });

  it('refuses to overwrite without --overwrite (exit 3) and replaces with it', async () => {
    const dir = await testdir({ '.cursor/background-agents.yaml': 'agents: []\n' });
    const refused = await runCli(['bg-config', 'generate'], { cwd: dir });
    expect(refused).toEqual({ exitCode: 3, stdout: '', stderr: 'error: .cursor/background-agents.yaml already exists; use --overwrite to replace it\n' });
    expect(await readFile(path.join(dir, '.cursor/background-agents.yaml'), 'utf8')).toBe('agents: []\n');
    const replaced = await runCli(['bg-config', 'generate', '--overwrite', '--minimal', '--json'], { cwd: dir });
    expect(JSON.parse(replaced.stdout)).toEqual({ config_path: '.cursor/background-agents.yaml', replaced: true });
    expect(await readFile(path.join(dir, '.cursor/background-agents.yaml'), 'utf8')).not.toContain('#');
  });

  it('writes to --config-path', async () => {
    const dir = await testdir({ '.git/HEAD': '' });
    const result = await runCli(['bg-config', 'gen', '--config-path', 'custom/agents.yaml'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect((await stat(path.join(dir, 'custom/agents.yaml'))).isFile()).toBe(true);
    expect((await runCli(['bg-config', 'check', '--config-path', 'custom/agents.yaml'], { cwd: dir })).exitCode).toBe(0);
  });

  it('warns about commands whose program is not here (exit 0), and rejects an unterminated quote (exit 2)', async () => {
    const agents = (commands: string[]) =>
      ['agents:', '  - name: one', '    type: background', '    watch_paths: [".cursor-skill-command.txt"]', '    commands:', ...commands.map((command) => `      - ${JSON.stringify(command)}`), ''].join('\n');
    const dir = await testdir({
      '.git/HEAD': '',
      'scripts/run.sh': '#!/bin/sh\n',
      'scripts/notes.txt': 'not a program\n',
      '.cursor/background-agents.yaml': agents([
        'tapps-agents workflow execute-skill-command --command-file {command_file_path}',
        'sh -c "echo {step_dir}"',
        'foo --input {command_file_path}',
        './scripts/run.sh {command_file_path}',
        './scripts/notes.txt',
        '{project_root}/scripts/gone.sh',
        '{step_dir}/made-by-the-step.sh',
      ]),
    });
    await chmod(path.join(dir, 'scripts/run.sh'), 0o755);
    const warnings = [
      `${BG}:8:9: warning: agents.0.commands.2: program "foo" was not found on PATH`,
      `${BG}:10:9: warning: agents.0.commands.4: program "./scripts/notes.txt" is not an executable file (scripts/notes.txt)`,
      `${BG}:11:9: warning: agents.0.commands.5: program "{project_root}/scripts/gone.sh" was not found (looked for scripts/gone.sh)`,
    ];
    expect(await runCli(['bg-config', 'validate'], { cwd: dir })).toEqual({ exitCode: 0, stdout: `✓ ${BG} is valid (1 agent, 1 enabled)\n`, stderr: `${warnings.join('\n')}\n` });
    const json = await runCli(['bg-config', 'validate', '--json'], { cwd: dir });
    expect(json.exitCode).toBe(0);
    expect((JSON.parse(json.stdout) as { warnings: { line: number; col: number; path: string; message: string }[] }).warnings).toEqual([
      { severity: 'warning', file: BG, line: 8, col: 9, path: 'agents.0.commands.2', message: 'program "foo" was not found on PATH' },
      { severity: 'warning', file: BG, line: 10, col: 9, path: 'agents.0.commands.4', message: 'program "./scripts/notes.txt" is not an executable file (scripts/notes.txt)' },
      { severity: 'warning', file: BG, line: 11, col: 9, path: 'agents.0.commands.5', message: 'program "{project_root}/scripts/gone.sh" was not found (looked for scripts/gone.sh)' },
    ]);

    await writeFile(path.join(dir, BG), agents(['foo', "sh -c 'echo unterminated"]));
    expect(await runCli(['bg-config', 'validate'], { cwd: dir })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: [`✗ ${BG} is invalid (1 problem):`, `  ${BG}:7:9: agents.0.commands.1: has an unterminated quote`, `  ${BG}:6:9: warning: agents.0.commands.0: program "foo" was not found on PATH`, ''].join('\n'),
    });
  });

  it('reports a missing file with exit 2, also with --json', async () => {
    const dir = await testdir({ '.git/HEAD': '' });
    const text = await runCli(['bg-config', 'validate'], { cwd: dir });
    expect(text).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: '✗ .cursor/background-agents.yaml is invalid (1 problem):\n  .cursor/background-agents.yaml: not found; create it with "tapps-agents background-agent-config generate"\n',
    });
    const json = await runCli(['bg-config', 'validate', '--json'], { cwd: dir });
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, config_path: '.cursor/background-agents.yaml' });
  });
});

const BG = '.cursor/background-agents.yaml';
const AEC = '.tapps-agents/auto_execution_config.yaml';
const CFG = '.tapps-agents/config.yaml';

describe('bad input: a clear message at file:line:col, exit 2, nothing written', () => {
  const cases: { name: string; files: Record<string, string>; args: string[]; message: string }[] = [
    {
      name: 'malformed YAML',
      files: { [BG]: 'agents:\n  - name: "x\n    type: background\n' },
      args: ['bg-config', 'validate'],
      message: `✗ ${BG} is invalid (1 problem):\n  ${BG}:4:1: Missing closing "quote\n`,
    },
    {
      name: 'wrong types',
      files: { [BG]: 'agents:\n  - name: 42\n    type: background\n    commands: "run me"\n    watch_paths: [a]\n    enabled: "yes"\n' },
      args: ['bg-config', 'validate'],
      message:
        `✗ ${BG} is invalid (3 problems):\n` +
        `  ${BG}:2:11: agents.0.name: expected a string, got 42\n` +
        `  ${BG}:4:15: agents.0.commands: expected a list, got "run me"\n` +
        `  ${BG}:6:14: agents.0.enabled: expected true or false, got "yes"\n`,
    },
    {
      name: 'a zero interval and a negative timeout',
      files: { [AEC]: 'auto_execution:\n  polling:\n    interval_seconds: 0\n    timeout_seconds: -5\n  version: "1.0"\n' },
      args: ['config', 'show'],
      message:
        'error: Configuration is invalid (2 problems):\n' +
        `${AEC}:3:23: auto_execution.polling.interval_seconds: must be greater than 0, got 0\n` +
        `${AEC}:4:22: auto_execution.polling.timeout_seconds: must be greater than 0, got -5\n`,
    },
    {
      name: 'a negative interval in config.yaml',
      files: { [CFG]: 'workflow:\n  polling_interval: -1\n' },
      args: ['config', 'show'],
      message: `error: Configuration is invalid (1 problem):\n${CFG}:2:21: workflow.polling_interval: must be greater than 0, got -1\n`,
    },
    {
      name: 'a timeout below the interval',
      files: { [AEC]: 'auto_execution:\n  polling:\n    interval_seconds: 10\n    timeout_seconds: 5\n  version: "1.0"\n' },
      args: ['config', 'show'],
      message: `error: Configuration is invalid (1 problem):\n${AEC}:4:22: auto_execution.polling.timeout_seconds: must be at least polling.interval_seconds (10), got 5\n`,
    },
    {
      name: 'a timeout below an interval set in the other file',
      files: { [CFG]: 'workflow:\n  polling_interval: 30s\n', [AEC]: 'auto_execution:\n  polling:\n    timeout_seconds: 10s\n  version: "1.0"\n' },
      args: ['config', 'show'],
      message: `error: Configuration is invalid (1 problem):\n${AEC}:3:22: polling.timeout: polling.timeout (10s) must be at least polling.interval (30s, from ${CFG}:2:21)\n`,
    },
    {
      name: 'auto-execution on with polling off',
      files: { [AEC]: 'auto_execution:\n  enabled: true\n  polling:\n    enabled: false\n  version: "1.0"\n' },
      args: ['config', 'show'],
      message: `error: Configuration is invalid (1 problem):\n${AEC}:4:14: auto_execution.polling.enabled: must be true when auto_execution.enabled is true (completion could never be detected)\n`,
    },
    {
      name: 'retry values below their minimum',
      files: { [AEC]: 'auto_execution:\n  retry:\n    max_attempts: 0\n    backoff_multiplier: 0.5\n    initial_delay_seconds: -1\n  version: "1.0"\n' },
      args: ['config', 'show'],
      message:
        'error: Configuration is invalid (3 problems):\n' +
        `${AEC}:3:19: auto_execution.retry.max_attempts: must be at least 1, got 0\n` +
        `${AEC}:4:25: auto_execution.retry.backoff_multiplier: must be at least 1, got 0.5\n` +
        `${AEC}:5:28: auto_execution.retry.initial_delay_seconds: must be at least 0, got -1\n`,
    },
    {
      name: 'a version newer than this release reads',
      files: { [AEC]: 'auto_execution:\n  enabled: false\n  version: "2.0"\n' },
      args: ['config', 'show'],
      message: `error: Configuration is invalid (1 problem):\n${AEC}:3:12: auto_execution.version: version "2.0" is newer than this tapps-agents reads ("1.0"); upgrade tapps-agents\n`,
    },
    {
      name: 'a type other than "background"',
      files: { [BG]: 'agents:\n  - name: a\n    type: foreground\n    commands: [sh]\n    watch_paths: [y]\n' },
      args: ['bg-config', 'validate'],
      message: `✗ ${BG} is invalid (1 problem):\n  ${BG}:3:11: agents.0.type: expected "background", got "foreground"\n`,
    },
    {
      name: 'empty commands',
      files: { [BG]: 'agents:\n  - name: a\n    type: background\n    commands: []\n    watch_paths: [y]\n' },
      args: ['bg-config', 'validate'],
      message: `✗ ${BG} is invalid (1 problem):\n  ${BG}:4:15: agents.0.commands: must not be empty\n`,
    },
    {
      name: 'no agents',
      files: { [BG]: 'agents: []\n' },
      args: ['bg-config', 'validate'],
      message: `✗ ${BG} is invalid (1 problem):\n  ${BG}:1:9: agents: must not be empty\n`,
    },
    {
      name: 'an agent without watch_paths or triggers',
      files: { [BG]: 'agents:\n  - name: a\n    type: background\n    commands: [sh]\n' },
      args: ['bg-config', 'validate'],
      message: `✗ ${BG} is invalid (1 problem):\n  ${BG}:2:5: agents.0: needs watch_paths (or triggers): without them the agent never picks up a command file\n`,
    },
    {
      name: 'a watch path leading out of the project',
      files: { [BG]: 'agents:\n  - name: a\n    type: background\n    commands: [sh]\n    watch_paths: ["../../etc/passwd"]\n' },
      args: ['bg-config', 'validate'],
      message: `✗ ${BG} is invalid (1 problem):\n  ${BG}:5:19: agents.0.watch_paths.0: must stay inside the project (no absolute paths or ".."), got "../../etc/passwd"\n`,
    },
    {
      name: 'a YAML alias bomb',
      files: { [CFG]: ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `b${i + 1}: &b${i + 1} [${Array(9).fill(`*${i === 0 ? 'a' : `b${i}`}`).join(', ')}]`)].join('\n') },
      args: ['config', 'show'],
      message: `error: Configuration is invalid (1 problem):\n${CFG}:1:1: uses more than 100 YAML aliases (a possible alias bomb); expand them or simplify the file\n`,
    },
    {
      name: 'a file over 1 MiB',
      files: { [BG]: `# ${'x'.repeat(1024 * 1024 + 10)}\n` },
      args: ['bg-config', 'validate'],
      message: `✗ ${BG} is invalid (1 problem):\n  ${BG}: is 1.0 MiB; files over 1 MiB are refused\n`,
    },
    {
      name: 'a binary file',
      files: { [CFG]: 'workflow:\0\u0001\n' },
      args: ['config', 'show'],
      message: `error: Configuration is invalid (1 problem):\n${CFG}: is a binary file, expected YAML text\n`,
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const dir = await testdir({ '.git/HEAD': '', ...testCase.files });
      const before = await snapshotTree(dir);
      const result = await runCli(testCase.args, { cwd: dir });
      expect(result.stderr).toBe(testCase.message);
      expect(result.exitCode).toBe(2);
      expect(await snapshotTree(dir)).toEqual(before);
    });
  }

  it('a directory where a file should be', async () => {
    const dir = await testdir({ '.git/HEAD': '' });
    await mkdir(path.join(dir, BG), { recursive: true });
    const result = await runCli(['bg-config', 'validate'], { cwd: dir });
    expect(result).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `✗ ${BG} is invalid (1 problem):\n  ${BG}: is a directory, expected a YAML file; remove or rename the directory\n`,
    });
  });

  it('an unreadable file', async () => {
    const dir = await testdir({ '.git/HEAD': '' });
    const file = path.join(dir, CFG);
    // Root reads any file, so the CLI runs as "nobody" when it can reach the built CLI; otherwise the file is a link to
    // /proc/self/mem, which no process can read from offset 0 (EIO).
    const asNobody = process.getuid?.() === 0 ? await nobodyCanRun() : false;
    let errno = 'EACCES';
    await mkdir(path.dirname(file), { recursive: true });
    if (process.getuid?.() !== 0 || asNobody) {
      await writeFile(file, 'workflow: {}\n');
      await chmod(file, 0o000);
    } else {
      await symlink('/proc/self/mem', file);
      errno = 'EIO';
    }
    const result = await runCli(['config', 'show'], { cwd: dir, ...(asNobody ? { uid: 65534, gid: 65534 } : {}) });
    expect(result).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `error: Configuration is invalid (1 problem):\n${CFG}: cannot be read (${errno}); check that the file exists and its permissions\n`,
    });
  });

  it('--json reports the error as JSON on stdout', async () => {
    const dir = await testdir({ '.git/HEAD': '', [CFG]: 'workflow:\n  concurrency: 0\n' });
    const result = await runCli(['config', 'show', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: { code: 'CONFIG_INVALID', details: { problems: [{ file: CFG, line: 2, col: 16, path: 'workflow.concurrency', message: 'must be at least 1, got 0' }] } },
    });
  });
});
