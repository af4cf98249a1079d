// The bad-input corpus (test/fixtures/bad/, expectations in its manifest.json): every file gets its clear error and
// documented exit code, never a crash, nothing written outside the project, existing state unchanged, and no shell
// metacharacter in any field ever runs (PRODUCT.md §9).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, corpusFiles, runCorpusFile, type CorpusEntry } from './bad-input.js';

const manifest = JSON.parse(await readFile(path.join(CORPUS, 'manifest.json'), 'utf8')) as CorpusEntry[];

describe('the bad-input corpus', () => {
  it('has at least 60 files, each with one manifest entry', async () => {
    const files = await corpusFiles();
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect(manifest.map((entry) => entry.file).sort()).toEqual(files);
  });

  // A few at a time: each spawns the CLI, and a loaded 2-core machine must not time out.
  it.concurrent.each(manifest.map((entry) => [entry.file, entry] as const))('%s', { timeout: 90_000 }, async (_file, entry) => {
    const outcome = await runCorpusFile(entry.file);
    expect(outcome.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(outcome.exitCode).not.toBe(70);
    expect({ exitCode: outcome.exitCode, hasExpectedLine: outcome.stderr.includes(entry.expected) }, outcome.stderr).toEqual({ exitCode: entry.exitCode, hasExpectedLine: true });
    expect(outcome.changed).toEqual([]);
    expect(outcome.outside).toEqual([]);
    expect(outcome.stdout + outcome.stderr).not.toContain('pwned ');
  });
});
