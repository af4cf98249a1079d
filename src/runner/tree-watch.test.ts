// watchTree: a command file is reported through file events even when the directories above it are created after
// the watch started (a runner started in a project with no .tapps-agents/ yet).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchTree, type TreeWatch } from './tree-watch.js';
import { compileWatchPaths } from './watch-paths.js';

let root: string | undefined;
let tree: TreeWatch | undefined;

afterEach(async () => {
  tree?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('watchTree', () => {
  // With polling forced (TAPPS_AGENTS_WATCH_POLLING=1) there are no watchers, and watchers are what this test is about.
  it.skipIf(process.env.TAPPS_AGENTS_WATCH_POLLING === '1')(
    'sees a command file whose ancestors (.tapps-agents/ included) did not exist when watching started',
    async () => {
      root = await mkdtemp(path.join(tmpdir(), 'tree-watch-'));
      const projectRoot = root;
      const seen: string[] = [];
      // A rescan interval far beyond the test's timeout: only file events can report the file in time.
      tree = watchTree(projectRoot, compileWatchPaths(projectRoot, ['.cursor-skill-command.txt']), (file) => seen.push(file), { rescanMs: 3_600_000 });
      await tree.rescan();
      // .tapps-agents/ first, alone, and time for its event to be handled; then the rest of the path under it.
      await mkdir(path.join(projectRoot, '.tapps-agents'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const stepDir = path.join(projectRoot, '.tapps-agents', 'workflow-state', 'run-1', 'steps', 'build');
      await mkdir(stepDir, { recursive: true });
      const file = path.join(stepDir, '.cursor-skill-command.txt');
      await writeFile(file, 'command');
      await expect.poll(() => seen.includes(file), { timeout: 20_000, interval: 20 }).toBe(true);
    },
    30_000,
  );
});
