// The built CLI bundle (dist/cli-bundle/): its chunks carry a content hash in their names, so benchmarks find them by prefix.
import { readdirSync } from 'node:fs';
import path from 'node:path';

const BUNDLE = path.resolve(import.meta.dirname, '..', 'dist', 'cli-bundle');

/** The path of the chunk whose name starts with `prefix`. */
export function bundleChunk(prefix) {
  const found = readdirSync(BUNDLE).find((name) => name.startsWith(prefix) && name.endsWith('.js'));
  if (found === undefined) throw new Error(`no ${prefix}*.js in ${BUNDLE}; run npm run build`);
  return path.join(BUNDLE, found);
}

/** Node arguments that import that chunk (and everything it imports) and run nothing else. */
export function importOnlyArgs(prefix) {
  return ['--input-type=module', '-e', `await import(${JSON.stringify(bundleChunk(prefix))})`];
}
