import { open, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { claimCommandFile, withdrawCommandFile } from './claim.js';
import { CLAIMED_FILE_NAME, COMMAND_FILE_NAME } from './paths.js';

describe('claiming a command file', () => {
  it('renames it and returns its text; a second claimer gets nothing', async () => {
    const dir = await testdir({ [COMMAND_FILE_NAME]: '@shell run --script true\n' });
    const file = path.join(dir, COMMAND_FILE_NAME);
    const [first, second] = await Promise.all([claimCommandFile(file), claimCommandFile(file)]);
    const won = [first, second].filter((claim) => claim !== undefined);
    expect(won).toEqual([{ claimedFile: path.join(dir, CLAIMED_FILE_NAME), text: '@shell run --script true\n' }]);
  });

  it('waits for a command file still being written in place when the claim lands', async () => {
    const dir = await testdir();
    const file = path.join(dir, COMMAND_FILE_NAME);
    // A writer that opened the file and has not written yet: the claim sees it empty.
    const writer = await open(file, 'w');
    const claim = claimCommandFile(file);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await writer.write('{"command": "@shell run --script true"}\n');
    await writer.close();
    expect((await claim)?.text).toBe('{"command": "@shell run --script true"}\n');
  });

  it('takes the text a writer in this process knows instead of reading the file back, by the same exclusive rename', async () => {
    const dir = await testdir({ [COMMAND_FILE_NAME]: 'on disk\n' });
    const file = path.join(dir, COMMAND_FILE_NAME);
    const [first, second] = await Promise.all([claimCommandFile(file, { text: 'in memory\n' }), claimCommandFile(file, { text: 'in memory\n' })]);
    expect([first, second].filter((claim) => claim !== undefined)).toEqual([{ claimedFile: path.join(dir, CLAIMED_FILE_NAME), text: 'in memory\n' }]);
    expect(await readdir(dir)).toEqual([CLAIMED_FILE_NAME]);
  });

  it('gives up waiting after a moment and returns what is there (an empty file is then reported as such)', async () => {
    const dir = await testdir({ [COMMAND_FILE_NAME]: '' });
    expect((await claimCommandFile(path.join(dir, COMMAND_FILE_NAME)))?.text).toBe('');
  });
});

describe('withdrawing a command file', () => {
  it('takes back an unclaimed file, and loses to a claim that came first', async () => {
    const dir = await testdir();
    const file = path.join(dir, COMMAND_FILE_NAME);
    await writeFile(file, '@a b\n');
    expect(await withdrawCommandFile(file)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    await writeFile(file, '@a b\n');
    await claimCommandFile(file);
    expect(await withdrawCommandFile(file)).toBe(false);
  });
});
