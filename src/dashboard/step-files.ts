// The files a step's detail shows: its artifacts (under its work directory) and the files of its step directory
// (log, prompt, command and status files). Read only inside the project, after following links, and only regular
// files: a name from the browser never reads /etc/passwd or a FIFO (docs/dashboard.md "Security").

import { readdir, realpath, stat, open } from 'node:fs/promises';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { isPathInside } from '../fs/path-inside.js';
import { runStatus } from '../workflow/run-control.js';

/** At most this much of a file is sent: its end (a log's tail is what matters). */
export const FILE_TAIL_BYTES = 256 * 1024;

/** Where a requested file lives. */
export type FilePlace = 'artifact' | 'step';

async function stepOf(projectRoot: string, runId: string, stepId: string) {
  const { state } = await runStatus(projectRoot, runId);
  const step = Object.hasOwn(state.steps, stepId) ? state.steps[stepId] : undefined;
  if (step === undefined) throw new TappsError('USAGE', `Run ${runId} has no step "${stepId}"; its steps are: ${Object.keys(state.steps).join(', ')}`);
  return step;
}

/** The names of the regular files in the step's directory (none when it has no directory yet). */
export async function listStepFiles(projectRoot: string, runId: string, stepId: string): Promise<{ artifacts: string[]; step_files: string[] }> {
  const step = await stepOf(projectRoot, runId, stepId);
  const entries = await readdir(step.step_dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const stepFiles = entries.filter((entry) => entry.isFile()).map((entry) => path.relative(step.step_dir, path.join(entry.parentPath, entry.name))).sort();
  return { artifacts: step.artifacts, step_files: stepFiles };
}

/**
 * The end of one file of a step, at most {@link FILE_TAIL_BYTES}.
 * @throws {TappsError} USAGE for a path outside the project (also through a link) or not a regular file;
 *   RUN_NOT_FOUND for no such run or file.
 */
export async function readStepFile(projectRoot: string, runId: string, stepId: string, place: FilePlace, name: string): Promise<{ path: string; size: number; truncated: boolean; text: string }> {
  const step = await stepOf(projectRoot, runId, stepId);
  const base = place === 'artifact' ? step.work_dir : step.step_dir;
  const refused = new TappsError('USAGE', `Refusing ${JSON.stringify(name)}: only files inside the project are shown`);
  const wanted = path.resolve(base, name);
  if (name.length === 0 || name.includes('\0') || !isPathInside(projectRoot, wanted)) throw refused;
  let real: string;
  try {
    real = await realpath(wanted);
  } catch {
    throw new TappsError('RUN_NOT_FOUND', `No file ${JSON.stringify(name)} in ${place === 'artifact' ? 'the work directory' : 'the step directory'} of step "${stepId}"`);
  }
  if (!isPathInside(await realpath(projectRoot), real)) throw refused;
  const info = await stat(real);
  if (!info.isFile()) throw new TappsError('USAGE', `Refusing ${JSON.stringify(name)}: it is not a regular file`);
  const handle = await open(real, 'r');
  try {
    const length = Math.min(info.size, FILE_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, info.size - length);
    return { path: path.relative(projectRoot, wanted), size: info.size, truncated: info.size > length, text: buffer.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}
