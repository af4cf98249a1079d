// Finds command and status files where they can appear (PRODUCT.md §3): the project's .cursor/, and step directories
// under .tapps-agents/workflow-state/ and .tapps-agents/worktrees/. The walk is bounded in depth and never enters
// node_modules/ or .git/, so it stays cheap in a large repository.

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { observabilityPaths } from './layout.js';

/** The seed's command file name. */
export const COMMAND_FILE_NAME = '.cursor-skill-command.txt';
/** The seed's status file name. */
export const STATUS_FILE_NAME = '.cursor-skill-status.json';

const SKIP = new Set(['node_modules', '.git']);

/** Every file named one of `names` in the places protocol files live, sorted by path. */
export async function findProtocolFiles(projectRoot: string, names: ReadonlySet<string>): Promise<string[]> {
  const paths = observabilityPaths(projectRoot);
  const found: string[] = [];
  await walk(path.join(projectRoot, '.cursor'), names, 0, found);
  for (const name of names) {
    // The original's layout: a command file at a (worktree) root.
    if (await isFile(path.join(projectRoot, name))) found.push(path.join(projectRoot, name));
  }
  // workflow-state/<run>/steps/<step>/.cursor/<file>: depth 4; worktrees/<name>/[<sub>/].cursor/<file>: depth 3.
  await walk(paths.workflowStateDir, names, 5, found);
  await walk(paths.worktreesDir, names, 3, found);
  return found.sort();
}

async function walk(dir: string, names: ReadonlySet<string>, depth: number, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0 && !SKIP.has(entry.name)) await walk(full, names, depth - 1, found);
    } else if (names.has(entry.name)) {
      found.push(full);
    }
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
