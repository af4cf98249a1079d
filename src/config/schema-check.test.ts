import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeValue } from './issue-message.js';
import { checkAgainstSchema } from './schema-check.js';
import { readYamlSource } from './yaml-source.js';

async function source(text: string) {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'tapps-schema-')), 'f.yaml');
  await writeFile(file, text);
  const read = await readYamlSource(file);
  if (read.kind !== 'ok') throw new Error(`fixture did not parse: ${read.kind}`);
  return read.source;
}

const schema = z.strictObject({
  name: z.string(),
  count: z.int().min(1).default(1),
  mode: z.enum(['fast', 'safe']).default('safe'),
  nested: z.strictObject({ flag: z.boolean().default(false) }).prefault({}),
});

describe('checkAgainstSchema', () => {
  it('applies defaults to a valid document', async () => {
    const result = checkAgainstSchema(schema, await source('name: a\n'));
    expect(result).toEqual({ value: { name: 'a', count: 1, mode: 'safe', nested: { flag: false } }, problems: [] });
  });

  it('reports every error at once, each at its line and column', async () => {
    const result = checkAgainstSchema(schema, await source('count: 0\nmode: turbo\nnested:\n  flag: 3\n'));
    expect(result.value).toBeUndefined();
    expect(result.problems.map((problem) => [problem.line, problem.col, problem.path, problem.message])).toEqual([
      [1, 1, 'name', 'is required'],
      [1, 8, 'count', 'must be at least 1, got 0'],
      [2, 7, 'mode', 'expected one of "fast", "safe", got "turbo"'],
      [4, 9, 'nested.flag', 'expected true or false, got 3'],
    ]);
  });

  it('turns unknown keys into warnings at the key and still validates the rest', async () => {
    const result = checkAgainstSchema(schema, await source('name: a\nnested:\n  flga: true\ncolour: red\n'));
    expect(result.value).toEqual({ name: 'a', count: 1, mode: 'safe', nested: { flag: false } });
    expect(result.problems.map((problem) => [problem.severity, problem.line, problem.col, problem.message])).toEqual([
      ['warning', 3, 3, 'unknown key "flga" is ignored; did you mean "flag"?'],
      ['warning', 4, 1, 'unknown key "colour" is ignored; known keys: name, count, mode, nested'],
    ]);
  });

  it('treats an empty file as an empty mapping', async () => {
    expect(checkAgainstSchema(schema, await source('')).problems.map((problem) => problem.message)).toEqual(['is required']);
  });
});

describe('describeValue', () => {
  it('shows values the way YAML would', () => {
    expect([describeValue('x'), describeValue(3), describeValue(null), describeValue([1]), describeValue({ a: 1 }), describeValue('y'.repeat(100))]).toEqual([
      '"x"',
      '3',
      'null',
      'a list',
      'a mapping',
      `"${'y'.repeat(57)}..."`,
    ]);
  });
});
