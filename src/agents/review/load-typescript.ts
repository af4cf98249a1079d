// Loads the TypeScript compiler API lazily: tapps-agents' own optional `typescript`, else the reviewed project's.
// Only the reviewer needs it, so it is an optional peer dependency rather than 23 MB for every install
// (docs/decisions.md).

import { createRequire } from 'node:module';
import path from 'node:path';
import { TappsError } from '../../errors.js';

type TypeScript = typeof import('typescript');

let cached: TypeScript | undefined;

/**
 * The `typescript` module.
 * @throws {TappsError} OPTIONAL_DEPENDENCY_MISSING when neither tapps-agents nor the project has it.
 */
export function loadTypeScript(projectDir: string): TypeScript {
  if (cached !== undefined) return cached;
  for (const from of [import.meta.url, path.join(projectDir, 'package.json')]) {
    try {
      cached = createRequire(from)('typescript') as TypeScript;
      return cached;
    } catch {
      // try the next place
    }
  }
  throw new TappsError('OPTIONAL_DEPENDENCY_MISSING', 'The reviewer parses TS/JS with the TypeScript compiler, which is not installed. Install it next to tapps-agents (npm install typescript) or in the reviewed project.', {
    details: { package: 'typescript' },
  });
}
