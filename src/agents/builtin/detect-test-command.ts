// Finds how a project runs its tests: an npm/pnpm/yarn `test` script, pytest, `go test` or `cargo test`.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findExecutable } from '../../engines/find-executable.js';

/** A detected test command. */
export interface TestCommand {
  framework: 'npm' | 'pnpm' | 'yarn' | 'pytest' | 'go' | 'cargo';
  argv: string[];
  /** Why this command was chosen, for the report. */
  reason: string;
}

/** npm's placeholder script for projects without tests. */
const NPM_PLACEHOLDER = /no test specified/;

/** The project's test command, or undefined when none is recognisable. */
export function detectTestCommand(dir: string, env: NodeJS.ProcessEnv): TestCommand | undefined {
  const packageJson = path.join(dir, 'package.json');
  if (existsSync(packageJson)) {
    const script = readTestScript(packageJson);
    if (script !== undefined && !NPM_PLACEHOLDER.test(script)) {
      const manager = existsSync(path.join(dir, 'pnpm-lock.yaml')) ? 'pnpm' : existsSync(path.join(dir, 'yarn.lock')) ? 'yarn' : 'npm';
      return { framework: manager, argv: [manager, 'test'], reason: `package.json "test" script (${script})` };
    }
  }
  if (['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini', 'conftest.py'].some((name) => existsSync(path.join(dir, name))) || hasPythonTests(dir)) {
    const argv = findExecutable('pytest', env) === undefined ? ['python3', '-m', 'pytest'] : ['pytest'];
    return { framework: 'pytest', argv, reason: 'Python project (pytest)' };
  }
  if (existsSync(path.join(dir, 'go.mod'))) return { framework: 'go', argv: ['go', 'test', './...'], reason: 'go.mod' };
  if (existsSync(path.join(dir, 'Cargo.toml'))) return { framework: 'cargo', argv: ['cargo', 'test'], reason: 'Cargo.toml' };
  return undefined;
}

function readTestScript(file: string): string | undefined {
  try {
    const scripts = (JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, unknown> }).scripts;
    return typeof scripts?.test === 'string' ? scripts.test : undefined;
  } catch {
    return undefined;
  }
}

function hasPythonTests(dir: string): boolean {
  const names = (folder: string) => {
    try {
      return readdirSync(folder);
    } catch {
      return [];
    }
  };
  return [...names(dir), ...names(path.join(dir, 'tests')).map((name) => `tests/${name}`)].some((name) => /(^|\/)test_.*\.py$|_test\.py$/.test(name));
}
