// One watcher per dashboard over the files the pages show: every run's directory (state.json, events.jsonl) and
// the runner's status directory. `fs.watch` (recursive) wakes the listeners at once; a rescan every second is the
// safety net for a missed event (DEPENDENCIES.md: watch with fs.watch and re-read, never trust one event).

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

/** Watches lazily: the watchers run only while someone listens. */
export function projectWatch(projectRoot: string): ProjectWatch {
  const listeners = new Set<(change: ProjectChange) => void>();
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const tell = (change: ProjectChange) => {
    for (const listener of listeners) listener(change);
  };
  const watchInto = (dir: string, onName: (name: string) => void) => {
    if (pollingForced()) return;
    try {
      const watcher = watch(dir, { persistent: false, recursive: true }, (_event, name) => onName(name ?? ''));
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // Not there yet or no inotify: the rescan carries on (and starts the watch once the directory exists).
    }
  };
  const start = async () => {
    const stateRoot = workflowStateRoot(projectRoot);
    // Created so that the first run of a fresh project is seen at once (the CLI creates it the same way).
    await mkdir(stateRoot, { recursive: true }).catch(() => undefined);
    await mkdir(runnerDir(projectRoot), { recursive: true }).catch(() => undefined);
    if (listeners.size === 0 || watchers.length > 0) return;
    watchInto(stateRoot, (name) => {
      const runId = name.split(path.sep)[0];
      if (runId !== undefined && runId !== '') tell({ kind: 'run', runId });
    });
    watchInto(runnerDir(projectRoot), () => tell({ kind: 'runners' }));
  };
  const stop = () => {
    for (const watcher of watchers) watcher.close();
    watchers = [];
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (timer === undefined) {
        timer = setInterval(() => tell({ kind: 'rescan' }), RESCAN_MS);
        timer.unref();
        void start();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    close() {
      listeners.clear();
      stop();
    },
  };
}
