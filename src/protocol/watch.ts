// Watch-with-rescan: `fs.watch` on a directory wakes the reader at once, and a periodic rescan is the source of truth,
// so a missed event costs latency, never correctness. `TAPPS_AGENTS_WATCH_POLLING=1` turns the watcher off.

import { watch, type FSWatcher } from 'node:fs';

/** True when `TAPPS_AGENTS_WATCH_POLLING=1` asks for polling only (file systems without inotify, e.g. some mounts). */
export function pollingForced(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TAPPS_AGENTS_WATCH_POLLING === '1' || env.TAPPS_AGENTS_WATCH_POLLING === 'true';
}

/** A directory watch that can be closed. */
export interface DirectoryWatch {
  close(): void;
}

/**
 * Calls `onChange(name)` for every change event in `dir` (name of the entry, when the platform gives one) and
 * `onChange(undefined)` every `rescanMs` (with no `rescanMs`, the caller rescans on its own). A directory that does not
 * exist yet is only rescanned.
 */
export function watchDirectory(dir: string, onChange: (name: string | undefined) => void, options: { rescanMs?: number; forcePolling?: boolean }): DirectoryWatch {
  let watcher: FSWatcher | undefined;
  if (options.forcePolling !== true && !pollingForced()) {
    try {
      watcher = watch(dir, { persistent: false }, (_event, name) => onChange(name ?? undefined));
      watcher.on('error', () => {
        // The directory went away: the rescan carries on.
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined;
    }
  }
  const timer = options.rescanMs === undefined ? undefined : setInterval(() => onChange(undefined), options.rescanMs);
  return {
    close() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
