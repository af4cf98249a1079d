// Temporary directories built from an inline map of files, removed when the test finishes.

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/** Registers a cleanup for when the test ends. Concurrent tests must pass their context's own `onTestFinished`. */
export type OnFinished = typeof onTestFinished;

/**
 * Creates a temp directory holding `files` (path → content) and returns its absolute path.
 * @param onFinished the test's hook; the global one is right only for tests that do not run concurrently (Vitest
 *   attaches a global hook called from a concurrent test to whichever test it thinks is current).
 */
export async function testdir(files: Record<string, string> = {}, onFinished: OnFinished = onTestFinished): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'tapps-test-'));
  // Readable by everyone so a test can run the CLI as an unprivileged user.
  await chmod(root, 0o755);
  // Retries: a process the test started may still be finishing a write while the tree is removed.
  onFinished(() => rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return root;
}
