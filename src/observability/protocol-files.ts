// Finds command and status files where they can appear (PRODUCT.md §3): the project's .cursor/, and step directories
// under .tapps-agents/workflow-state/ and .tapps-agents/worktrees/. The walk is bounded in depth and never enters
// node_modules/ or .git/, so it stays cheap in a large repository.

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PROTOCOL_FILE_AREAS, SKIPPED_DIRECTORIES } from '../protocol/paths.js';

/** Every file named one of `names` in the places protocol files live, sorted by path. */
export async function findProtocolFiles(projectRoot: string, names: ReadonlySet<string>): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    // The original's layout: a command file at a (worktree) root.
    if (await isFile(path.join(projectRoot, name))) found.push(path.join(projectRoot, name));
  }
  for (const area of PROTOCOL_FILE_AREAS) await walk(path.join(projectRoot, area.dir), names, area.maxDepth, found);
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
      if (depth > 0 && !SKIPPED_DIRECTORIES.has(entry.name)) await walk(full, names, depth - 1, found);
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
