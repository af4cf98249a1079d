// Claiming a command file: rename it to `.cursor-skill-command.claimed`. rename(2) is atomic, so of any number of
// runners racing for one file exactly one succeeds; the others get ENOENT and move on.

import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { CLAIMED_FILE_NAME } from './paths.js';

/** A won claim: where the command now lives and its text, read right after the rename. */
export interface Claim {
  claimedFile: string;
  text: string;
}

/** Tries to claim `commandFile`. Resolves to the claim, or `undefined` when another claimer won (or it is gone). */
export async function claimCommandFile(commandFile: string): Promise<Claim | undefined> {
  const claimedFile = path.join(path.dirname(commandFile), CLAIMED_FILE_NAME);
  try {
    await rename(commandFile, claimedFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return { claimedFile, text: await readFile(claimedFile, 'utf8') };
}
