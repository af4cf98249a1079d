// Claiming a command file: rename it to `.cursor-skill-command.claimed`. rename(2) is atomic, so of any number of
// runners racing for one file exactly one succeeds; the others get ENOENT and move on. The claimed file's
// modification time is then set to the moment of the claim: it is how long ago a runner took it (rename keeps the
// time the executor wrote it), which tells a claimer that died before reporting (liveness.ts).

import { rename, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { CLAIMED_FILE_NAME } from './paths.js';
import { readRegularFile } from '../fs/read-regular-file.js';

/** A won claim: where the command now lives and its text, read right after the rename. */
export interface Claim {
  claimedFile: string;
  text: string;
}

/**
 * Tries to claim `commandFile`. Resolves to the claim, or `undefined` when another claimer won (or it is gone).
 * `known` is the text a writer in this same process has just written there (the embedded runner's handover): the claim
 * is the same rename, but the file is not read back, nor its time set — it was written a moment ago, and the rename
 * sets its change time, which liveness.ts reads too.
 */
export async function claimCommandFile(commandFile: string, known?: { text: string }): Promise<Claim | undefined> {
  const claimedFile = path.join(path.dirname(commandFile), CLAIMED_FILE_NAME);
  try {
    await rename(commandFile, claimedFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (known !== undefined) return { claimedFile, text: known.text };
  const now = new Date();
  // Best effort: the rename already set the change time, which liveness.ts also reads (some mounts refuse utimes).
  await utimes(claimedFile, now, now).catch(() => undefined);
  return { claimedFile, text: await readWhole(claimedFile) };
}

/** How long a claim waits for a command file that was written in place (not renamed into place) to be finished. */
const IN_PLACE_WRITE_WAIT_MS = 1000;

/**
 * Reads a claimed file. A tool that writes the command file in place may still be writing when the rename lands (its
 * descriptor follows the renamed file), so an empty file or unfinished JSON is read again for a moment.
 */
async function readWhole(file: string): Promise<string> {
  const deadline = Date.now() + IN_PLACE_WRITE_WAIT_MS;
  let text = await readRegularFile(file);
  while (!looksWhole(text) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    text = await readRegularFile(file);
  }
  return text;
}

function looksWhole(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed !== '';
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

/**
 * The executor takes back a command file nobody has claimed (the attempt gave up waiting, timed out or was
 * cancelled), so no runner starts it later. The same rename as a claim: either the executor or one runner wins.
 * @returns true when it was still unclaimed (and is now gone); false when a runner claimed it first.
 */
export async function withdrawCommandFile(commandFile: string): Promise<boolean> {
  const withdrawn = `${commandFile}.withdrawn`;
  try {
    await rename(commandFile, withdrawn);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await unlink(withdrawn).catch(() => undefined);
  return true;
}
