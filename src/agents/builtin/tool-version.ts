// Reads a tool's version (`<tool> --version`) and compares dotted versions, for prerequisite checks.

import { runProcess } from '../../exec/run-process.js';

/** The first x.y[.z] in the output of `<tool> --version`, or undefined (not installed, or no version printed). */
export async function toolVersion(tool: string, cwd: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string | undefined> {
  const result = await runProcess({ file: tool, args: ['--version'], cwd, env, timeoutMs: 10_000, signal, maxOutputBytes: 64 * 1024 });
  if (result.spawnError !== undefined) return undefined;
  return /(\d+(?:\.\d+)+)/.exec(`${result.stdout}\n${result.stderr}`)?.[1];
}

/** Compares dotted versions numerically: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const left = a.replace(/^v/, '').split('.').map(Number);
  const right = b.replace(/^v/, '').split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
