// A step's changes as a worker sends them back, and how the executor applies them: the artifacts the step wrote as
// whole files (ignored ones included, which a diff cannot carry), and a binary git diff of everything else it changed
// from the base commit (committed or not), capped at queue.max_changes_bytes (PRODUCT.md §10).

import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { missingArtifacts } from '../transport/expected-artifacts.js';
import { git, gitFailure } from '../worktree/git.js';
import { readTravellingFiles, travellingBytes, writeTravellingFiles, type TravellingFile } from './step-files.js';

/** What a step changed. */
export interface StepChanges {
  diff_base64: string;
  files: TravellingFile[];
  bytes: number;
}

/** The changes were over the cap: nothing is sent back. */
export class ChangesTooLarge extends Error {
  readonly bytes: number;
  constructor(bytes: number, maxBytes: number) {
    super(`The step's changes are ${formatBytes(bytes)}, over queue.max_changes_bytes (${formatBytes(maxBytes)}); nothing was sent back. Have the step change less, or raise queue.max_changes_bytes in the workers' .tapps-agents/config.yaml.`);
    this.bytes = bytes;
  }
}

/**
 * Collects the changes of `worktree` since `baseCommit`: the artifacts the step wrote (since `writtenSinceMs`) whole,
 * as files — so the last step to finish wins, as on the file transport, and one rewritten with the content it had
 * still counts as written — and everything else it changed (`git add -A`) as a binary diff.
 * @throws {ChangesTooLarge} over `maxBytes`; {TappsError} WORKTREE_FAILED when git fails.
 */
export async function collectChanges(worktree: string, baseCommit: string, artifacts: readonly string[], maxBytes: number, writtenSinceMs: number): Promise<StepChanges> {
  const options = { cwd: worktree, timeoutMs: 300_000 };
  const add = await git(['add', '-A', '--', '.'], options);
  if (!add.ok) throw gitFailure(['add', '-A'], worktree, add);
  const relative = artifacts.filter((artifact) => artifact !== '' && !path.isAbsolute(artifact) && !artifact.startsWith('..'));
  const notWritten = new Set(missingArtifacts(worktree, relative, writtenSinceMs));
  const written = [...new Set(relative.filter((artifact) => !notWritten.has(artifact)))];
  const scratch = await mkdtemp(path.join(tmpdir(), 'tapps-changes-'));
  try {
    const diffFile = path.join(scratch, 'changes.diff');
    // To a file: a diff can be far larger than what a captured stdout keeps.
    const exclude = written.map((artifact) => `:(exclude,literal)${artifact}`);
    const diffArgs = ['diff', '--cached', '--binary', '--no-renames', '--no-color', `--output=${diffFile}`, baseCommit, '--', '.', ...exclude];
    const diff = await git(diffArgs, options);
    if (!diff.ok) throw gitFailure(diffArgs, worktree, diff);
    const diffBytes = (await stat(diffFile)).size;
    if (diffBytes > maxBytes) throw new ChangesTooLarge(diffBytes, maxBytes);
    const files = await readTravellingFiles(worktree, written);
    const bytes = diffBytes + travellingBytes(files);
    if (bytes > maxBytes) throw new ChangesTooLarge(bytes, maxBytes);
    return { diff_base64: (await readFile(diffFile)).toString('base64'), files, bytes };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Applies `changes` to `stepDir` (the step's worktree, or the project): the diff with `git apply --binary`, then the
 * files. All of the diff or none of it (git apply checks every hunk first). A file the step created that is already
 * there untracked (an earlier run's output) is replaced, as the step would have replaced it running here; it is put
 * back when the diff does not apply.
 * @throws {TappsError} WORKTREE_FAILED naming what git apply said.
 */
export async function applyChanges(stepDir: string, changes: StepChanges): Promise<void> {
  const diff = Buffer.from(changes.diff_base64, 'base64');
  if (diff.length > 0) {
    const scratch = await mkdtemp(path.join(tmpdir(), 'tapps-apply-'));
    const setAside: { target: string; kept: string }[] = [];
    try {
      const diffFile = path.join(scratch, 'changes.diff');
      await writeFile(diffFile, diff);
      for (const created of await createdFiles(stepDir, diffFile)) {
        const target = path.resolve(stepDir, created);
        if (!target.startsWith(`${path.resolve(stepDir)}${path.sep}`) || !(await isFile(target))) continue;
        const kept = path.join(scratch, `kept-${setAside.length}`);
        // Copied, not renamed: the scratch directory may be on another file system.
        await copyFile(target, kept);
        await rm(target);
        setAside.push({ target, kept });
      }
      const args = ['apply', '--binary', '--whitespace=nowarn', diffFile];
      const result = await git(args, { cwd: stepDir, timeoutMs: 300_000 });
      if (!result.ok) {
        for (const { target, kept } of setAside) await copyFile(kept, target).catch(() => undefined);
        throw gitFailure(['apply', '--binary'], stepDir, result);
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  await writeTravellingFiles(stepDir, changes.files);
}

/** The paths the diff creates (`git apply --summary`: " create mode 100644 <path>"); quoted unusual names are left out. */
async function createdFiles(stepDir: string, diffFile: string): Promise<string[]> {
  const summary = await git(['apply', '--summary', diffFile], { cwd: stepDir, timeoutMs: 60_000 });
  if (!summary.ok) return [];
  return summary.stdout.split('\n').flatMap((line) => {
    const match = /^ create mode \d+ (.+)$/.exec(line);
    return match === null || (match[1] as string).startsWith('"') ? [] : [match[1] as string];
  });
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((info) => info.isFile(), () => false);
}

/** "12.4 MB" style, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
