import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliVersion, isOlder, parseVersion } from './cli-version.js';

describe('parseVersion', () => {
  it.each([
    ['codex-cli 0.171.0\n', [0, 171, 0]],
    ['2.1.332 (Claude Code)\n', [2, 1, 332]],
    ['0.61.0', [0, 61, 0]],
    ['unknown', undefined],
  ])('%j', (text, version) => {
    expect(parseVersion(text)).toEqual(version);
  });

  it('compares versions', () => {
    expect(isOlder([0, 145, 3], [0, 150, 0])).toBe(true);
    expect(isOlder([0, 150, 0], [0, 150, 0])).toBe(false);
    expect(isOlder([1, 0, 0], [0, 150, 0])).toBe(false);
  });
});

describe('cliVersion', () => {
  it('asks `<cli> --version` once per executable, and is undefined for a CLI that is not on PATH', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tapps-cli-version-'));
    const count = path.join(dir, 'count');
    await writeFile(path.join(dir, 'fakecli'), `#!/bin/sh\necho x >> "${count}"\necho "fakecli 0.149.2"\n`);
    await chmod(path.join(dir, 'fakecli'), 0o755);
    const env = { PATH: dir };
    expect(await cliVersion('fakecli', env, dir)).toEqual([0, 149, 2]);
    expect(await cliVersion('fakecli', env, dir)).toEqual([0, 149, 2]);
    expect((await readFile(count, 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(await cliVersion('no-such-cli', env, dir)).toBeUndefined();
  });
});
