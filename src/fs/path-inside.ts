// Building a path from untrusted names (ids, artifact paths) that must stay inside a parent directory.

import path from 'node:path';
import { TappsError } from '../errors.js';

/** True when `child` is `parent` itself or lies below it (lexically: `..` segments are resolved, links are not). */
export function isPathInside(parent: string, child: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/**
 * Joins `names` onto `parent` and checks that the result lies strictly below `parent`: the one place where a path is
 * built from a name that came from a file or the command line.
 * @throws {TappsError} USAGE when the result would be `parent` itself or outside it.
 */
export function joinInside(parent: string, ...names: string[]): string {
  const joined = path.join(parent, ...names);
  if (!isPathInside(parent, joined) || path.resolve(joined) === path.resolve(parent)) {
    throw new TappsError('USAGE', `Refusing the path ${JSON.stringify(names.join('/'))}: it leaves ${parent}`, { details: { parent, names } });
  }
  return joined;
}
