// Watches the directories of a watch plan for command files: one `fs.watch` per directory (libuv shares a single
// inotify instance), new sub-directories picked up as they appear, and a periodic rescan as the source of truth.

import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pollingForced } from '../protocol/watch.js';
import { SKIPPED_DIRECTORIES } from '../protocol/paths.js';
import type { WatchPlan } from './watch-paths.js';

/** A running tree watch. */
export interface TreeWatch {
  /** Walks every root now and reports the command files present. */
  rescan(): Promise<void>;
  close(): void;
  /** Directories currently watched (for status and tests). */
  readonly watchedCount: number;
}

/** Starts watching `plan`; `onFile` receives the absolute path of every command file seen (possibly more than once). */
export function watchTree(projectRoot: string, plan: WatchPlan, onFile: (file: string) => void, options: { rescanMs: number }): TreeWatch {
  const polling = pollingForced();
  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  const depthOf = (dir: string): { maxDepth: number; depth: number } | undefined => {
    for (const root of plan.roots) {
      const relative = path.relative(root.dir, dir);
      if (relative === '') return { maxDepth: root.maxDepth, depth: 0 };
      if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
        const depth = relative.split(path.sep).length;
        if (depth <= root.maxDepth) return { maxDepth: root.maxDepth, depth };
      }
    }
    return undefined;
  };

  const onEntry = (dir: string, name: string) => {
    if (closed) return;
    const full = path.join(dir, name);
    if (plan.matches(full)) {
      onFile(full);
      return;
    }
    if (SKIPPED_DIRECTORIES.has(name) || depthOf(full) === undefined) return;
    // stat, not lstat: a symbolic link to a directory is followed, so a command file behind it reaches the runner's
    // refusal check (links leading out of the project are refused and audited, never silently skipped).
    stat(full).then(
      (info) => {
        if (info.isDirectory()) void addDir(full);
      },
      () => forget(full),
    );
  };

  const forget = (dir: string) => {
    for (const [watched, watcher] of watchers) {
      if (watched === dir || watched.startsWith(dir + path.sep)) {
        watcher.close();
        watchers.delete(watched);
      }
    }
  };

  /** Watches `dir` and walks it: sub-directories within depth are added, command files reported. */
  const addDir = async (dir: string): Promise<void> => {
    if (closed) return;
    if (!polling && !watchers.has(dir)) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name !== null) onEntry(dir, name);
        });
        watcher.on('error', () => forget(dir));
        watchers.set(dir, watcher);
      } catch {
        return; // gone already
      }
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      forget(dir);
      return;
    }
    const depth = depthOf(dir);
    await Promise.all(
      entries.map(async (entry) => {
        const full = path.join(dir, entry.name);
        const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full).then((info) => info.isDirectory(), () => false)));
        if (isDirectory) {
          if (depth !== undefined && depth.depth < depth.maxDepth && !SKIPPED_DIRECTORIES.has(entry.name)) await addDir(full);
        } else if (plan.matches(full)) onFile(full);
      }),
    );
  };

  // Roots that do not exist yet: watch their existing ancestors inside the project so they are seen at once. An
  // ancestor that appears later (e.g. .tapps-agents/ itself) is watched as soon as its parent reports it, before the
  // rescan that follows, so nothing created under it in between is missed until the next periodic rescan.
  const ancestorWatchers = new Map<string, FSWatcher>();
  const watchAncestors = () => {
    if (polling || closed) return;
    const ancestors = new Set<string>();
    for (const root of plan.roots) {
      let dir = path.dirname(root.dir);
      while (dir.startsWith(projectRoot)) {
        ancestors.add(dir);
        if (dir === projectRoot) break;
        dir = path.dirname(dir);
      }
    }
    for (const dir of ancestors) {
      if (ancestorWatchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || closed) return;
          const full = path.join(dir, name);
          if (plan.roots.some((root) => root.dir === full || root.dir.startsWith(full + path.sep))) {
            watchAncestors();
            void rescan();
          }
        });
        watcher.on('error', () => {
          watcher.close();
          ancestorWatchers.delete(dir);
        });
        ancestorWatchers.set(dir, watcher);
      } catch {
        // Not there yet: its parent's watch or the rescan finds it.
      }
    }
  };

  const rescan = async () => {
    await Promise.all(plan.roots.map((root) => addDir(root.dir)));
  };

  watchAncestors();
  void rescan();
  const timer = setInterval(() => void rescan(), options.rescanMs);
  timer.unref();

  return {
    rescan,
    close() {
      closed = true;
      clearInterval(timer);
      for (const watcher of [...watchers.values(), ...ancestorWatchers.values()]) watcher.close();
      ancestorWatchers.clear();
      watchers.clear();
    },
    get watchedCount() {
      return watchers.size;
    },
  };
}
