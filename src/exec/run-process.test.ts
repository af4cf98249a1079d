import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { liveGroups } from './process-group.js';
import { runProcess } from './run-process.js';
import { isProcessAlive } from './process-alive.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/bin/${name}`, import.meta.url));


describe('runProcess', () => {
  it('captures exit code, stdout and stderr', async () => {
    const result = await runProcess({ file: process.execPath, args: [fixture('exit-with.mjs'), '3', 'hello', 'world'], cwd: tmpdir() });
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, cancelled: false, stdout: 'hello world\n', stderr: 'to stderr\n' });
    expect(liveGroups.size).toBe(0);
  });

  it('passes arguments as they are, never through a shell', async () => {
    const result = await runProcess({ file: process.execPath, args: [fixture('exit-with.mjs'), '0', '$(touch /tmp/pwned); `id` | ; && "quoted"'], cwd: tmpdir() });
    expect(result.stdout).toBe('$(touch /tmp/pwned); `id` | ; && "quoted"\n');
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tapps-exec-'));
    const pids = path.join(dir, 'pids');
    const result = await runProcess({ file: fixture('spawn-grandchildren.sh'), args: [pids], cwd: dir, timeoutMs: 300, killGraceMs: 200 });
    expect(result.timedOut).toBe(true);
    const grandchildren = (await readFile(pids, 'utf8')).trim().split('\n').map(Number);
    expect(grandchildren).toHaveLength(2);
    await vi.waitFor(() => expect(grandchildren.filter(isProcessAlive)).toEqual([]), { timeout: 5000 });
  });

  it('kills the group when cancelled', async () => {
    const controller = new AbortController();
    const running = runProcess({ file: 'sleep', args: ['300'], cwd: tmpdir(), signal: controller.signal, killGraceMs: 100 });
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ cancelled: true, timedOut: false, exitCode: null, signal: 'SIGTERM' });
  });

  it('reports an executable that does not exist', async () => {
    const result = await runProcess({ file: 'no-such-tool-xyz', cwd: tmpdir() });
    expect(result.spawnError?.code).toBe('ENOENT');
    expect(result.exitCode).not.toBe(0);
  });

  it('keeps only the tail of long output', async () => {
    const result = await runProcess({ file: process.execPath, args: ['-e', 'process.stdout.write("a".repeat(5000) + "END")'], cwd: tmpdir(), maxOutputBytes: 100 });
    expect(result.stdout).toHaveLength(100);
    expect(result.stdout.endsWith('END')).toBe(true);
  });
});
