import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { readLinesBackwards } from './jsonl-reverse.js';
import { LineBlockReader } from './jsonl-forward.js';

async function backwards(file: string, chunkSize: number) {
  const lines = [];
  for await (const line of readLinesBackwards(file, chunkSize)) lines.push(line);
  return lines;
}

async function forwards(file: string) {
  const lines: string[] = [];
  const torn: string[] = [];
  await new LineBlockReader().read(file, {
    onBlock: (text) => lines.push(...text.split('\n').filter((line) => line !== '')),
    onTornLine: (text) => torn.push(text),
  });
  return { lines, torn };
}

describe('readLinesBackwards', () => {
  it.each([1, 2, 3, 7, 64, 65536])('yields lines last to first with chunk size %i, flagging a torn last line', async (chunkSize) => {
    const dir = await testdir();
    const file = path.join(dir, 'a.jsonl');
    await writeFile(file, 'first\n\nsecond ünïcødé ✓\nthird\n{"torn":');
    expect(await backwards(file, chunkSize)).toEqual([
      { text: '{"torn":', complete: false },
      { text: 'third', complete: true },
      { text: 'second ünïcødé ✓', complete: true },
      { text: 'first', complete: true },
    ]);
  });

  it('yields nothing for a missing or empty file', async () => {
    const dir = await testdir({ 'empty.jsonl': '' });
    expect(await backwards(path.join(dir, 'missing.jsonl'), 4)).toEqual([]);
    expect(await backwards(path.join(dir, 'empty.jsonl'), 4)).toEqual([]);
  });

  it('stops reading when the consumer stops (only the end of a large file is read)', async () => {
    const dir = await testdir();
    const file = path.join(dir, 'big.jsonl');
    await writeFile(file, Array.from({ length: 100_000 }, (_, index) => `line ${index}`).join('\n') + '\n');
    const seen: string[] = [];
    for await (const line of readLinesBackwards(file)) {
      seen.push(line.text);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['line 99999', 'line 99998', 'line 99997']);
  });
});

describe('LineBlockReader', () => {
  it('yields every line in order across 1 MiB chunks and 32 KiB blocks, and the torn last line apart', async () => {
    const dir = await testdir();
    const file = path.join(dir, 'big.jsonl');
    const expected = Array.from({ length: 60_000 }, (_, index) => `{"n":${index},"text":"ünïcødé ${'x'.repeat(index % 50)}"}`);
    await writeFile(file, `${expected.join('\n')}\n${'y'.repeat(70_000)}\n{"torn`);
    const { lines, torn } = await forwards(file);
    expect(lines.length).toBe(60_001);
    expect(lines.slice(0, 60_000)).toEqual(expected);
    expect(lines[60_000]).toBe('y'.repeat(70_000));
    expect(torn).toEqual(['{"torn']);
  });
});
