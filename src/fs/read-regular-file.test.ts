import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { openIfExists } from './open-if-exists.js';
import { openForAppend } from './append-file.js';
import { readRegularFile, readRegularFileSync, readRegularFileWithTime } from './read-regular-file.js';

const refusal = (file: string, kind: string) => `${file} is ${kind}, not a regular file; tapps-agents reads only regular files here. Remove it (or replace it with a regular file).`;

describe('readRegularFile', () => {
  it('reads a regular file, and reports a missing one as ENOENT', async () => {
    const dir = await testdir({ 'a.txt': 'hello' });
    expect(await readRegularFile(path.join(dir, 'a.txt'))).toBe('hello');
    expect((await readRegularFile(path.join(dir, 'a.txt'), null)).length).toBe(5);
    expect((await readRegularFileWithTime(path.join(dir, 'a.txt'))).text).toBe('hello');
    expect(readRegularFileSync(path.join(dir, 'a.txt'))).toBe('hello');
    await expect(readRegularFile(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['a FIFO (named pipe)', 'fifo'],
    ['a directory', 'dir'],
    ['a character device', '/dev/null'],
  ])('refuses %s at once, on every reader', async (kind, name) => {
    const dir = await testdir();
    const file = name.startsWith('/') ? name : path.join(dir, name);
    if (name === 'fifo') expect(spawnSync('mkfifo', [file]).status).toBe(0);
    if (name === 'dir') await mkdir(file);
    const expected = { code: 'FILE_UNREADABLE', message: refusal(file, kind), details: { kind } };
    await expect(readRegularFile(file)).rejects.toMatchObject(expected);
    await expect(readRegularFileWithTime(file)).rejects.toMatchObject(expected);
    expect(() => readRegularFileSync(file)).toThrow(refusal(file, kind));
    await expect(openIfExists(file)).rejects.toMatchObject(expected);
  });

  it('never appends to a FIFO (its writes would block once the pipe is full)', async () => {
    const dir = await testdir();
    const file = path.join(dir, 'metrics.jsonl');
    expect(spawnSync('mkfifo', [file]).status).toBe(0);
    await expect(openForAppend(file, { mode: 0o600, dirMode: 0o700, within: dir })).rejects.toMatchObject({ code: 'FILE_UNREADABLE', message: refusal(file, 'a FIFO (named pipe)') });
    await writeFile(path.join(dir, 'ok.jsonl'), '');
    const { handle } = await openForAppend(path.join(dir, 'ok.jsonl'), { mode: 0o600, dirMode: 0o700, within: dir });
    await handle.close();
  });
});
