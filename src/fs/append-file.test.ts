import { appendFile, mkdir, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { createAppendWriter } from './append-file.js';

const OPTIONS = { mode: 0o600, dirMode: 0o700 };

/** The descriptors this process has open on `file` (Linux: the links of /proc/self/fd). */
async function descriptorsOn(file: string): Promise<number> {
  const { readdir, readlink } = await import('node:fs/promises');
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === file) count++;
  }
  return count;
}

describe('append writer', () => {
  it('appends in order through one descriptor, starting on a fresh line after a torn one, and closes it', async () => {
    const root = await testdir();
    const file = path.join(root, '.tapps-agents', 'metrics', 'a.jsonl');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"torn":');
    const writer = createAppendWriter(OPTIONS);
    await Promise.all(Array.from({ length: 20 }, (_, index) => writer.append(file, `${index}\n`)));
    await writer.append(file, 'last\n');
    expect(await readFile(file, 'utf8')).toBe(`{"torn":\n${Array.from({ length: 20 }, (_, index) => `${index}\n`).join('')}last\n`);
    expect(await descriptorsOn(file)).toBe(1);
    await writer.close();
    expect(await descriptorsOn(file)).toBe(0);
  });

  it('never writes to a file renamed or removed away: the path is opened again', async () => {
    const root = await testdir();
    const file = path.join(root, '.tapps-agents', 'audit', 'log.jsonl');
    const writer = createAppendWriter(OPTIONS);
    await writer.append(file, 'one\n');
    await rename(file, `${file}.1`); // another process rotated it
    await writer.append(file, 'two\n');
    await unlink(file); // pruned
    await writer.append(file, 'three\n');
    await writer.close();
    expect(await readFile(`${file}.1`, 'utf8')).toBe('one\n');
    expect(await readFile(file, 'utf8')).toBe('three\n');
  });

  it('refuses a file replaced by a link after the first append, and a directory swapped for a link out', async () => {
    const root = await testdir();
    const outside = await testdir({ 'bashrc': 'x\n', 'metrics/a.jsonl': 'y\n' });
    const dir = path.join(root, '.tapps-agents', 'metrics');
    const file = path.join(dir, 'a.jsonl');
    const writer = createAppendWriter(OPTIONS);
    await writer.append(file, 'one\n');
    await rename(file, path.join(root, 'aside'));
    await symlink(path.join(outside, 'bashrc'), file);
    await expect(writer.append(file, 'two\n')).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
    await rm(dir, { recursive: true });
    await symlink(path.join(outside, 'metrics'), dir);
    await expect(writer.append(file, 'three\n')).rejects.toMatchObject({ code: 'OUTSIDE_PROJECT' });
    await writer.close();
    expect(await readFile(path.join(outside, 'bashrc'), 'utf8')).toBe('x\n');
    expect(await readFile(path.join(outside, 'metrics', 'a.jsonl'), 'utf8')).toBe('y\n');
  });

  it('rotates when the file is full, then appends to a new one', async () => {
    const root = await testdir();
    const file = path.join(root, '.tapps-agents', 'audit', 'log.jsonl');
    const writer = createAppendWriter({ ...OPTIONS, full: (info, bytes) => info.size + bytes > 8, rotate: async () => rename(file, `${file}.1`) });
    await writer.append(file, 'aaaa\n');
    await appendFile(file, 'bb\n'); // another process's line counts too
    await writer.append(file, 'cccc\n');
    await writer.close();
    expect(await readFile(`${file}.1`, 'utf8')).toBe('aaaa\nbb\n');
    expect(await readFile(file, 'utf8')).toBe('cccc\n');
  });

  it('switches files when the name changes (a new day)', async () => {
    const root = await testdir();
    const dir = path.join(root, '.tapps-agents', 'metrics');
    const writer = createAppendWriter(OPTIONS);
    await writer.append(path.join(dir, 'd1.jsonl'), '1\n');
    await writer.append(path.join(dir, 'd2.jsonl'), '2\n');
    await writer.append(path.join(dir, 'd1.jsonl'), '3\n');
    await writer.close();
    expect(await readFile(path.join(dir, 'd1.jsonl'), 'utf8')).toBe('1\n3\n');
    expect(await readFile(path.join(dir, 'd2.jsonl'), 'utf8')).toBe('2\n');
    expect(await descriptorsOn(path.join(dir, 'd1.jsonl'))).toBe(0);
  });
});
