// One watcher per dashboard over the files the pages show: every run's directory (state.json, events.jsonl) and
// the runner's status directory. `fs.watch` (recursive) wakes the listeners at once; a rescan every second is the
// safety net for a missed event (DEPENDENCIES.md: watch with fs.watch and re-read, never trust one event).
// The watchers start with the dashboard and live until it closes: Node sets a recursive watch up by walking the tree
// synchronously (about 100 ms with 1,000 runs stored), which a page load must not wait for each time it opens.

import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pollingForced } from '../protocol/watch.js';
import { runnerDir } from '../protocol/runner-status.js';
import { workflowStateRoot } from '../protocol/run-paths.js';

/** What changed: a run (by id), the runners, or nothing in particular (the periodic rescan). */
export type ProjectChange = { kind: 'run'; runId: string } | { kind: 'runners' } | { kind: 'rescan' };

export interface ProjectWatch {
  /** Calls `listener` for every change until the returned function is called. */
  subscribe(listener: (change: ProjectChange) => void): () => void;
  close(): void;
}

const RESCAN_MS = 1000;

/** Watches from now until `close`; the rescan runs only while someone listens. */
export function projectWatch(projectRoot: string): ProjectWatch {
  const listeners = new Set<(change: ProjectChange) => void>();
  const tell = (change: ProjectChange) => {
    for (const listener of listeners) listener(change);
  };
  // The directories watched, each with what a change under it means.
  const targets: { dir: string; onName: (name: string) => void }[] = [
    {
      dir: workflowStateRoot(projectRoot),
      onName: (name) => {
        const runId = name.split(path.sep)[0];
        if (runId !== undefined && runId !== '') tell({ kind: 'run', runId });
      },
    },
    { dir: runnerDir(projectRoot), onName: () => tell({ kind: 'runners' }) },
  ];
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let starting: Promise<void> | undefined;
  const start = async () => {
    for (const { dir, onName } of targets) {
      if (closed || pollingForced() || watchers.has(dir)) continue;
      // Created so that the first run of a fresh project is seen at once (the CLI creates it the same way).
      await mkdir(dir, { recursive: true }).catch(() => undefined);
      try {
        const watcher = watch(dir, { persistent: false, recursive: true }, (_event, name) => onName(name ?? ''));
        // A watch that fails is dropped, so that the next rescan sets it up again.
        watcher.on('error', () => {
          watcher.close();
          if (watchers.get(dir) === watcher) watchers.delete(dir);
        });
        watchers.set(dir, watcher);
      } catch {
        // No inotify (or the directory went away): the rescan carries on, and tries the watch again.
      }
    }
  };
  const ensureStarted = () => {
    starting ??= start().finally(() => (starting = undefined));
  };
  const stopRescan = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  ensureStarted();
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (timer === undefined) {
        timer = setInterval(() => {
          if (watchers.size < targets.length) ensureStarted();
          tell({ kind: 'rescan' });
        }, RESCAN_MS);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stopRescan();
      };
    },
    close() {
      closed = true;
      listeners.clear();
      stopRescan();
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
