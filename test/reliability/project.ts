// A project for reliability tests: auto-execution on, the background agent started with `background-agent start`,
// and the checks every test makes on .tapps-agents/ afterwards.

import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir, type OnFinished } from '../helpers/testdir.js';

/** The background-agents configuration: the built-in command, watching step directories only. */
export const BACKGROUND_AGENTS = `agents:
  - name: steps
    type: background
    commands: ["tapps-agents workflow execute-skill-command --command-file {command_file_path}"]
    watch_paths: [".tapps-agents/workflow-state/**/.cursor-skill-command.txt"]
global:
  max_parallel_agents: 4
`;

/** Auto-execution on, steps handed to a separately started background agent. */
export const CONFIG = 'workflow:\n  auto_execution_enabled: true\n  runner: external\n';

/** Fast polling and retries so a killed runner's step is retried quickly. */
export const AUTO_EXECUTION = 'auto_execution:\n  enabled: true\n  polling:\n    interval_seconds: 0.1\n  retry:\n    initial_delay_seconds: 0.1\n';

/**
 * A project with auto-execution on; `files` are added. The background agent is stopped when the test ends.
 * Concurrent tests pass their context's `onTestFinished` (see testdir).
 */
export async function autoProject(files: Record<string, string> = {}, env: Record<string, string> = {}, onFinished: OnFinished = onTestFinished): Promise<string> {
  const root = await testdir({
    '.tapps-agents/config.yaml': CONFIG,
    '.tapps-agents/auto_execution_config.yaml': AUTO_EXECUTION,
    '.cursor/background-agents.yaml': BACKGROUND_AGENTS,
    ...files,
  }, onFinished);
  onFinished(async () => {
    await runCli(['background-agent', 'stop'], { cwd: root, env });
  });
  return root;
}

/** Every file and directory under `dir` (not following symbolic links). */
export async function walk(dir: string): Promise<{ files: string[]; dirs: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [];
  const visit = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        dirs.push(full);
        await visit(full);
      } else if (entry.isFile()) files.push(full);
    }
  };
  await visit(dir);
  return { files, dirs };
}

/** Files under `dir` containing any of `needles`, with the needle found. */
export async function filesContaining(dir: string, needles: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const file of (await walk(dir)).files) {
    const text = await readFile(file, 'latin1').catch(() => '');
    for (const needle of needles) if (text.includes(needle)) hits.push(`${path.relative(dir, file)}: ${needle}`);
  }
  return hits;
}

/** Entries under the given sub-directories of .tapps-agents whose mode is wider than 0600 (files) or 0700 (dirs). */
export async function loosePermissions(root: string, subdirs: readonly string[]): Promise<string[]> {
  const loose: string[] = [];
  for (const sub of subdirs) {
    const top = path.join(root, '.tapps-agents', sub);
    const { files, dirs } = await walk(top);
    for (const dir of [top, ...dirs]) {
      const mode = (await lstat(dir).catch(() => undefined))?.mode;
      if (mode !== undefined && (mode & 0o777) !== 0o700) loose.push(`${path.relative(root, dir)}/ ${(mode & 0o777).toString(8)}`);
    }
    for (const file of files) {
      const mode = (await lstat(file)).mode & 0o777;
      if (mode !== 0o600) loose.push(`${path.relative(root, file)} ${mode.toString(8)}`);
    }
  }
  return loose;
}
