// The TS/JS and Python files a review covers: one file, or every source file under a directory (skipping dependencies, build
// output, declaration files and hidden folders).

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Extensions the reviewer parses. */
export const REVIEWABLE = /\.(?:[cm]?[jt]s|[jt]sx|py)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', 'vendor', 'target', '__pycache__', 'venv', 'site-packages']);

/** Files under `target` (absolute), sorted; unsupported files given directly are returned in `unsupported`. */
export async function collectSourceFiles(target: string, limit: number): Promise<{ files: string[]; unsupported: string[]; truncated: boolean }> {
  const info = await stat(target);
  if (info.isFile()) return REVIEWABLE.test(target) && !target.endsWith('.d.ts') ? { files: [target], unsupported: [], truncated: false } : { files: [], unsupported: [target], truncated: false };
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (files.length >= limit) return;
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) await walk(full);
      else if (entry.isFile() && REVIEWABLE.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) files.push(full);
    }
  };
  await walk(target);
  return { files, unsupported: [], truncated: files.length >= limit };
}
