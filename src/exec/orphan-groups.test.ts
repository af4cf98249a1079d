import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { waitFor } from '../../test/helpers/wait-for.js';
import { isProcessAlive } from './process-alive.js';
import { processGroupsDir, reapOrphanedGroups, recordProcessGroups } from './orphan-groups.js';
import { runProcess } from './run-process.js';

/** A `sleep 60` in a process group of its own, as a runner starts a step; killed when the test ends. */
function detachedSleep(): number {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid as number;
  onTestFinished(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return pid;
}

async function writeLedger(root: string, owner: number, groups: { pid: number; start?: string }[]): Promise<void> {
  await mkdir(processGroupsDir(root), { recursive: true });
  await writeFile(path.join(processGroupsDir(root), `${hostname()}-${owner}.json`), JSON.stringify({ owner: { pid: owner }, host: hostname(), groups }));
}

describe('process-group ledger', () => {
  it('lists the live groups of this process while they run and is removed when none are left', async () => {
    const root = await testdir();
    recordProcessGroups(root);
    const running = runProcess({ file: 'sh', args: ['-c', 'sleep 0.5'], cwd: root });
    const [name] = await readdir(processGroupsDir(root));
    expect(name).toBe(`${hostname()}-${process.pid}.json`);
    const ledger = JSON.parse(await readFile(path.join(processGroupsDir(root), name as string), 'utf8')) as { owner: { pid: number }; groups: { pid: number }[] };
    expect(ledger.owner.pid).toBe(process.pid);
    expect(ledger.groups).toHaveLength(1);
    await running;
    expect(await readdir(processGroupsDir(root))).toEqual([]);
  });

  it('kills the groups of an owner that is gone, and removes its ledger', async () => {
    const root = await testdir();
    const orphan = detachedSleep();
    const deadOwner = spawnSync('true').pid;
    await writeLedger(root, deadOwner, [{ pid: orphan }]);
    expect(await reapOrphanedGroups(root)).toEqual([{ owner: deadOwner, groups: [orphan] }]);
    await waitFor(() => !isProcessAlive(orphan), 'the orphaned group gone', 10_000, 20);
    expect(isProcessAlive(orphan)).toBe(false);
    expect(await readdir(processGroupsDir(root))).toEqual([]);
  });

  it('leaves the groups of a live owner alone', async () => {
    const root = await testdir();
    const owner = detachedSleep();
    const group = detachedSleep();
    await writeLedger(root, owner, [{ pid: group }]);
    expect(await reapOrphanedGroups(root)).toEqual([]);
    expect(isProcessAlive(group)).toBe(true);
  });

  it('does not kill a group whose leader pid now belongs to another process (start time differs)', async () => {
    const root = await testdir();
    const other = detachedSleep();
    await writeLedger(root, spawnSync('true').pid, [{ pid: other, start: '1' }]);
    expect(await reapOrphanedGroups(root)).toEqual([]);
    expect(isProcessAlive(other)).toBe(true);
  });

  it('reports nothing when the project has no ledgers', async () => {
    expect(await reapOrphanedGroups(await testdir())).toEqual([]);
  });
});
