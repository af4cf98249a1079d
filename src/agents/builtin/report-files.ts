// Writes a builtin action's JSON and Markdown reports into the step directory (readable by people: 0644).

import path from 'node:path';
import { writeFileAtomically } from '../../fs/atomic-write.js';

/**
 * Writes `<base>.json` and `<base>.md` under `stepDir`; returns their paths relative to it.
 * @throws {TappsError} OUTSIDE_PROJECT when `base` goes through a symbolic link that leads out of `stepDir`
 */
export async function writeReports(stepDir: string, base: string, json: unknown, markdown: string): Promise<string[]> {
  const files = [`${base}.json`, `${base}.md`];
  // Both at once: their two fsyncs overlap instead of adding up.
  await Promise.all([
    writeFileAtomically(path.join(stepDir, files[0] as string), `${JSON.stringify(json, null, 2)}\n`, { mode: 0o644, dirMode: 0o755, within: stepDir }),
    writeFileAtomically(path.join(stepDir, files[1] as string), markdown.endsWith('\n') ? markdown : `${markdown}\n`, { mode: 0o644, dirMode: 0o755, within: stepDir }),
  ]);
  return files;
}
