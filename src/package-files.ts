// Files shipped with the package (templates/, bin/, package.json), found from wherever this code runs: src/ under
// vitest, dist/<area>/ after tsc, or the bundled CLI in dist/cli-bundle/. Each of those sits at a different depth, so
// the package root is the nearest directory above this module that holds a package.json (dist/ and src/ hold none).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The absolute path of `segments` inside the installed package. */
export function packageFile(...segments: string[]): string {
  root ??= findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
  return path.join(root, ...segments);
}

let version: string | undefined;

/** This installation's version (package.json). */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  return version;
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`tapps-agents: no package.json above ${from}; the installation is incomplete`);
  }
}
