// What the three configuration files looked like when a configuration was resolved (modification time and size of each,
// or absent), so a later reader can tell whether that configuration still describes the files.

import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { configPaths } from './project-root.js';

/** One configuration file as it was: `null` when it did not exist. */
export interface ConfigFileStamp {
  file: string;
  seen: { mtimeMs: number; size: number } | null;
}

/** Stamps of the project's three configuration files, taken before they are read (a change after that is then seen). */
export async function stampConfigFiles(projectRoot: string): Promise<ConfigFileStamp[]> {
  return Promise.all(
    Object.values(configPaths(projectRoot)).map(async (file) => {
      const info = await stat(file).catch(() => undefined);
      return { file, seen: info === undefined ? null : { mtimeMs: info.mtimeMs, size: info.size } };
    }),
  );
}

/** True when every file is still as stamped. */
export function configFilesUnchanged(stamps: readonly ConfigFileStamp[]): boolean {
  return stamps.every(({ file, seen }) => {
    const info = statSync(file, { throwIfNoEntry: false });
    return info === undefined ? seen === null : seen !== null && info.mtimeMs === seen.mtimeMs && info.size === seen.size;
  });
}
