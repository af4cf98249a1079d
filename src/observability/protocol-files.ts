// Finds command and status files where a runner looks for them: the areas of PROTOCOL_FILE_AREAS (the project's
// .cursor/, and step directories under .tapps-agents/workflow-state/ and .tapps-agents/worktrees/), or the roots of a
// runner's watch plan. The walk is bounded in depth and never enters node_modules/ or .git/, so it stays cheap in a
// large repository. Nothing outside those areas is looked at: a file no runner watches is no protocol file.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PROTOCOL_FILE_AREAS, SKIPPED_DIRECTORIES } from '../protocol/paths.js';

/** A directory searched with its sub-directories down to `maxDepth` levels. */
export interface SearchRoot {
  dir: string;
  maxDepth: number;
}

/** Every file named one of `names` in the areas of PROTOCOL_FILE_AREAS, sorted by path. */
export async function findProtocolFiles(projectRoot: string, names: ReadonlySet<string>): Promise<string[]> {
  const roots = PROTOCOL_FILE_AREAS.map((area) => ({ dir: path.join(projectRoot, area.dir), maxDepth: area.maxDepth }));
  return findFilesUnder(roots, (file) => names.has(path.basename(file)));
}

/** Every file under `roots` (each to its depth) that `accept` takes, sorted by path, each once. */
export async function findFilesUnder(roots: readonly SearchRoot[], accept: (file: string) => boolean): Promise<string[]> {
  const found = new Set<string>();
  for (const root of roots) await walk(root.dir, root.maxDepth, accept, found);
  return [...found].sort();
}

async function walk(dir: string, depth: number, accept: (file: string) => boolean, found: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0 && !SKIPPED_DIRECTORIES.has(entry.name)) await walk(full, depth - 1, accept, found);
    } else if (accept(full)) {
      found.add(full);
    }
  }
}
