// The version of an installed coding-agent CLI (`<cli> --version`), asked once per executable per process, so an
// engine can pass the flags that version accepts (codex 0.150 dropped `--full-auto`).

import { statSync } from 'node:fs';
import { runProcess } from '../exec/run-process.js';
import { findExecutable } from './find-executable.js';

/** A version as [major, minor, patch]. */
export type CliVersion = readonly [number, number, number];

const cache = new Map<string, Promise<CliVersion | undefined>>();

/**
 * The version `command --version` prints, or undefined when it cannot be run or prints none (the caller then uses
 * the flags of current versions; running the CLI itself reports why it cannot start).
 */
export function cliVersion(command: string, env: NodeJS.ProcessEnv, cwd: string): Promise<CliVersion | undefined> {
  const file = findExecutable(command, env);
  if (file === undefined) return Promise.resolve(undefined);
  // Keyed by the file and its mtime: a long-lived runner sees an upgrade of the CLI.
  const key = `${file}@${modifiedAt(file)}`;
  let version = cache.get(key);
  if (version === undefined) {
    version = runProcess({ file, args: ['--version'], cwd, env, timeoutMs: 30_000, maxOutputBytes: 64 * 1024 }).then((result) => parseVersion(result.stdout));
    cache.set(key, version);
  }
  return version;
}

/** The first `X.Y.Z` in a `--version` line: "codex-cli 0.171.0", "2.1.332 (Claude Code)", "0.61.0". */
export function parseVersion(text: string): CliVersion | undefined {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(text);
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** True when `version` is older than `than`. */
export function isOlder(version: CliVersion, than: CliVersion): boolean {
  for (let index = 0; index < 3; index++) {
    if (version[index] !== than[index]) return (version[index] ?? 0) < (than[index] ?? 0);
  }
  return false;
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
