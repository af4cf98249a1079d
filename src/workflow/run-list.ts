// Every run of the project (`workflow list`, the dashboard's Runs page): each state.json read with a bounded number of
// files open at once, and the parsed state kept per file while the file stays the same, so a process that lists the
// runs again (the dashboard, on every change) reads and validates only the runs that changed since.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { runPaths, workflowStateRoot } from '../protocol/run-paths.js';
import { readRunStateIfChanged, type RunState, type VersionedRunState } from './run-state.js';

/** A run whose state.json cannot be used, as `workflow list` reports it. */
export interface DamagedRun {
  run_id: string;
  file: string;
  message: string;
}

/** state.json files read at once (1,000 runs at once would hold 1,000 descriptors and gain nothing on a few cores). */
const READ_CONCURRENCY = 32;

/**
 * The parsed state of each state.json last read, by path, with the version of the file it came from (inode, size,
 * mtime: see readRunStateIfChanged). Entries of runs no longer listed are dropped on the next listing.
 */
const known = new Map<string, VersionedRunState>();

async function readCached(projectRoot: string, runId: string): Promise<RunState> {
  const file = runPaths(projectRoot, runId).state;
  try {
    const read = await readRunStateIfChanged(projectRoot, runId, known.get(file));
    known.set(file, read);
    return read.state;
  } catch (error) {
    known.delete(file);
    throw error;
  }
}

/**
 * Every run of the project, newest first, and the damaged ones (which never hide the others). The states returned
 * may be shared with later listings of the same process: callers must not change them.
 */
export async function listRunStates(projectRoot: string): Promise<{ states: RunState[]; damaged: DamagedRun[] }> {
  let names: string[];
  try {
    names = await readdir(workflowStateRoot(projectRoot));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { states: [], damaged: [] };
    throw error;
  }
  const states: RunState[] = [];
  const damaged: DamagedRun[] = [];
  const listed = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++] as string;
      try {
        states.push(await readCached(projectRoot, name));
        listed.add(runPaths(projectRoot, name).state);
      } catch (error) {
        // A stray entry that is no run (an invalid name, no state.json) is not listed; a damaged run is.
        if (TappsError.is(error) && (error.code === 'RUN_DAMAGED' || error.code === 'CONFLICT')) {
          damaged.push({ run_id: name, file: runPaths(projectRoot, name).state, message: error.message });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
  const root = workflowStateRoot(projectRoot) + path.sep;
  for (const file of known.keys()) if (file.startsWith(root) && !listed.has(file)) known.delete(file);
  states.sort((a, b) => b.started_at.localeCompare(a.started_at));
  damaged.sort((a, b) => a.run_id.localeCompare(b.run_id));
  return { states, damaged };
}
