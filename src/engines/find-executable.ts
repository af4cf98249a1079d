// Looks an executable up on PATH without running it (for engine auto-detection and prerequisite checks).

import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** The absolute path of `command` on `PATH` (or `command` itself when it contains a slash and is executable). */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
