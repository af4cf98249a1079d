import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { checkDiskSpace, formatBytes } from './health-checks.js';
import { healthExitCode, worst } from './health.js';

const MiB = 1024 * 1024;
const space = (bytes: number) => () => Promise.resolve({ bavail: bytes / 4096, bsize: 4096 });

describe('disk space check', () => {
  it.each([
    [50 * MiB, 'unhealthy', 'only 50 MiB free (below 100 MiB)'],
    [512 * MiB, 'degraded', 'only 512 MiB free (below 1 GiB)'],
    [3.5 * 1024 * MiB, 'healthy', '3.5 GiB free'],
  ])('%i bytes free is %s', async (bytes, status, message) => {
    const root = await testdir();
    const check = await checkDiskSpace({ projectRoot: root, now: Date.now, statfs: space(bytes) });
    expect(check).toMatchObject({ name: 'disk_space', status, message });
  });
});

describe('overall health', () => {
  it('is the worst check, and maps to exit codes 0, 1, 2', () => {
    expect(worst([])).toBe('healthy');
    expect(worst(['healthy', 'degraded', 'healthy'])).toBe('degraded');
    expect(worst(['degraded', 'unhealthy'])).toBe('unhealthy');
    expect([healthExitCode('healthy'), healthExitCode('degraded'), healthExitCode('unhealthy')]).toEqual([0, 1, 2]);
  });

  it('formats byte counts', () => {
    expect([formatBytes(512), formatBytes(2048), formatBytes(15 * MiB), formatBytes(1.25 * 1024 * MiB)]).toEqual(['512 B', '2 KiB', '15 MiB', '1.3 GiB']);
  });
});
