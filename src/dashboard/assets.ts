// The front end built by `npm run build` (tsdown, web/dashboard/ → dist/dashboard-assets/) and shipped in the
// package: read once into memory, so a page load never touches the disk and never a CDN.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TappsError } from '../errors.js';
import { packageFile } from '../package-files.js';

export interface Assets {
  index: string;
  files: Map<string, { body: Uint8Array<ArrayBuffer>; type: string }>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.map': 'application/json' };

/**
 * Reads the built assets.
 * @throws {TappsError} FILE_UNREADABLE when the front end was not built (a checkout without `npm run build`).
 */
export function loadAssets(dir: string = packageFile('dist', 'dashboard-assets')): Assets {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new TappsError('FILE_UNREADABLE', `The dashboard's front end is missing (${dir}); build it with "npm run build"`);
  }
  const files = new Map<string, { body: Uint8Array<ArrayBuffer>; type: string }>();
  for (const name of names) {
    const type = TYPES[path.extname(name)];
    if (type !== undefined && name !== 'index.html') files.set(name, { body: new Uint8Array(readFileSync(path.join(dir, name))), type });
  }
  return { index: readFileSync(path.join(dir, 'index.html'), 'utf8'), files };
}
