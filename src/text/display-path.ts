// How a path is shown to people in messages.

import path from 'node:path';

/** `absolutePath` relative to the working directory when it is inside it, else as it is. */
export function displayPath(absolutePath: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, absolutePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolutePath;
}
