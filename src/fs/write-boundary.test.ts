import { mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { writeFileAtomically } from './atomic-write.js';
import { checkDirectoryInside, makeDirectoryInside } from './write-boundary.js';

/** A project with `.tapps-agents/metrics` and a directory outside it. */
async function projectAndOutside(): Promise<{ root: string; outside: string; dir: string }> {
  const root = await testdir();
  const outside = await testdir();
  const dir = path.join(root, '.tapps-agents', 'metrics');
  await mkdir(dir, { recursive: true });
  return { root, outside, dir };
}

describe('write boundary', () => {
  it('refuses a directory that is a link out, and one below it that does not exist yet', async () => {
    const { root, outside } = await projectAndOutside();
    await symlink(outside, path.join(root, '.tapps-agents', 'audit'));
    await expect(checkDirectoryInside(path.join(root, '.tapps-agents', 'audit'), root)).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
    await expect(makeDirectoryInside(path.join(root, '.tapps-agents', 'audit', 'new', 'deeper'), 0o700, root)).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a link swapped in for a directory after a first write there (the check is cached per process)', async () => {
    const { root, outside, dir } = await projectAndOutside();
    await writeFileAtomically(path.join(dir, 'a.json'), '{}\n');
    // The directory is now known to be inside; it is moved aside and a real link out put at its name.
    await rename(dir, path.join(root, 'aside'));
    await symlink(outside, dir);
    await expect(writeFileAtomically(path.join(dir, 'b.json'), '{}\n')).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a link swapped in for an ancestor of a directory already checked', async () => {
    const { root, outside, dir } = await projectAndOutside();
    await checkDirectoryInside(dir, root);
    await mkdir(path.join(outside, 'metrics'));
    await rm(path.join(root, '.tapps-agents'), { recursive: true });
    await symlink(outside, path.join(root, '.tapps-agents'));
    await expect(checkDirectoryInside(dir, root)).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
  });

  it('refuses a link to another directory of the project once it leads out (the real path is checked again)', async () => {
    const { root, outside, dir } = await projectAndOutside();
    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(elsewhere);
    await rm(dir, { recursive: true });
    await symlink(elsewhere, dir);
    // A link that stays inside is fine, and remembered.
    await checkDirectoryInside(dir, root);
    await rm(dir);
    await symlink(outside, dir);
    await expect(checkDirectoryInside(dir, root)).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
  });

  it('refuses a link swapped in for a directory it created (a new directory is remembered as inside)', async () => {
    const { root, outside, dir } = await projectAndOutside();
    const step = path.join(dir, 'steps', 's1');
    await makeDirectoryInside(path.join(dir, 'steps'), 0o700, root);
    await makeDirectoryInside(step, 0o700, root);
    await writeFileAtomically(path.join(step, 'a.json'), '{}\n');
    // And one the atomic writer made for its file.
    await writeFileAtomically(path.join(step, '.cursor', 'b.json'), '{}\n');
    await rm(step, { recursive: true });
    await symlink(outside, step);
    await expect(writeFileAtomically(path.join(step, 'a.json'), '{}\n')).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
    await expect(makeDirectoryInside(path.join(step, '.cursor'), 0o700, root)).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('accepts a directory removed and created again as a plain directory', async () => {
    const { root, dir } = await projectAndOutside();
    await writeFileAtomically(path.join(dir, 'a.json'), '1\n');
    await rm(dir, { recursive: true });
    await mkdir(dir);
    await writeFileAtomically(path.join(dir, 'a.json'), '2\n');
    expect(await readFile(path.join(dir, 'a.json'), 'utf8')).toBe('2\n');
    // And a directory that does not exist yet is checked by its nearest existing ancestor, then created.
    await makeDirectoryInside(path.join(dir, 'x', 'y'), 0o700, root);
    expect(await readdir(path.join(dir, 'x'))).toEqual(['y']);
  });

  it('leaves a file where a directory is wanted to the write to report', async () => {
    const { root, dir } = await projectAndOutside();
    await writeFile(path.join(dir, 'file'), 'x');
    await expect(checkDirectoryInside(path.join(dir, 'file', 'below'), root)).resolves.toBeUndefined();
    await expect(writeFileAtomically(path.join(dir, 'file', 'below', 'a.json'), '{}')).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
  });
});
