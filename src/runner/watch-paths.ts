// Which files a runner treats as command files: `watch_paths` compiled into the directories to watch and a matcher.
// gitignore-like (PRODUCT.md §3): a pattern without "/" matches that file name in every directory where command files
// appear (.tapps-agents/workflow-state/**, .tapps-agents/worktrees/**, .cursor/); a pattern with "/" is relative to the
// project root. node_modules/ and .git/ are never watched, so a large repository stays cheap. Globs are picomatch's
// (`*`, `?`, `**`, classes, braces, negated classes), matching dot files as the command file names are.

import path from 'node:path';
import picomatch from 'picomatch';
import { PROTOCOL_FILE_AREAS, SKIPPED_DIRECTORIES } from '../protocol/paths.js';

/** A directory watched with its sub-directories down to `maxDepth` levels. */
export interface WatchRoot {
  dir: string;
  maxDepth: number;
}

/** Compiled watch paths. */
export interface WatchPlan {
  patterns: readonly string[];
  roots: readonly WatchRoot[];
  /** True when the absolute path `file` is a command file for these patterns. */
  matches(file: string): boolean;
}

/** Compiles `patterns` for the project at `projectRoot`. */
export function compileWatchPaths(projectRoot: string, patterns: readonly string[]): WatchPlan {
  const roots = new Map<string, number>();
  const matchers: ((relative: string) => boolean)[] = [];
  const addRoot = (dir: string, depth: number) => roots.set(dir, Math.max(depth, roots.get(dir) ?? 0));
  for (const raw of patterns) {
    const pattern = raw.replace(/^\.\//, '').replace(/^(\*\*\/)+/, '');
    if (!pattern.includes('/')) {
      const name = compileGlob(pattern);
      for (const area of PROTOCOL_FILE_AREAS) addRoot(path.join(projectRoot, area.dir), area.maxDepth);
      matchers.push((relative) => {
        if (!name(path.posix.basename(relative))) return false;
        const dir = path.posix.dirname(relative);
        return PROTOCOL_FILE_AREAS.some((area) => dir === area.dir || (area.maxDepth > 0 && dir.startsWith(`${area.dir}/`) && dir.split('/').length - area.dir.split('/').length <= area.maxDepth));
      });
      continue;
    }
    const segments = pattern.split('/');
    const { base, isGlob } = picomatch.scan(pattern);
    // The fixed directories before the first glob segment (for a plain path, its directory) are watched.
    const fixed = isGlob ? base.split('/').filter((segment) => segment !== '') : segments.slice(0, -1);
    const rest = segments.length - fixed.length;
    addRoot(path.join(projectRoot, ...fixed), segments.includes('**') ? 8 : Math.max(rest - 1, 0));
    matchers.push(compileGlob(pattern));
  }
  return {
    patterns,
    roots: [...roots].map(([dir, maxDepth]) => ({ dir, maxDepth })),
    matches(file) {
      const relative = path.relative(projectRoot, file).split(path.sep).join('/');
      if (relative.startsWith('../') || path.isAbsolute(relative)) return false;
      if (relative.split('/').some((segment) => SKIPPED_DIRECTORIES.has(segment))) return false;
      return matchers.some((match) => match(relative));
    },
  };
}

/** A matcher for a glob over "/"-separated paths relative to the project root. */
export function compileGlob(glob: string): (relative: string) => boolean {
  // gitignore writes a negated class "[!…]"; picomatch reads "!" there literally and negates with "[^…]".
  return picomatch(glob.replaceAll('[!', '[^'), { dot: true });
}
