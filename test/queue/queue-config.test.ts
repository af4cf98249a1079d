// The queue transport's configuration: workflow.transport, queue.url (TAPPS_AGENTS_REDIS_URL, its password never
// shown), queue.prefix and the project identity in `config show`; an unreachable Redis is QUEUE_UNREACHABLE (exit 69).

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { checkRedis } from '../../src/queue/redis-connection.js';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { gitdir, gitIn } from '../worktree/gitdir.js';
import { freePort } from './redis-fixture.js';

const config = (body: string) => ({ '.tapps-agents/config.yaml': body });

describe('queue configuration', () => {
  it('defaults: file transport, the local Redis, the tapps-agents prefix', async () => {
    const root = await testdir();
    const resolved = await resolveConfig({ projectRoot: root, env: {} });
    expect(resolved.workflow.transport).toBe('file');
    expect(resolved.queue).toMatchObject({ url: 'redis://127.0.0.1:6379', prefix: 'tapps-agents', lockDurationMs: 30_000, maxStalledCount: 2 });
  });

  it('the flag outranks config.yaml; the variable outranks queue.url; the password is kept for connecting but never shown', async () => {
    const root = await testdir(config('workflow:\n  transport: file\nqueue:\n  url: redis://127.0.0.1:6379\n  prefix: team-a\n  lock_duration: 2s\n'));
    const resolved = await resolveConfig({ projectRoot: root, transportFlag: 'queue', env: { TAPPS_AGENTS_REDIS_URL: 'redis://:hunter2@127.0.0.1:6390/1' } });
    expect(resolved.workflow.transport).toBe('queue');
    expect(resolved.queue?.url).toBe('redis://:hunter2@127.0.0.1:6390/1');
    expect(resolved.queue?.prefix).toBe('team-a');
    expect(resolved.queue?.lockDurationMs).toBe(2000);
    const url = resolved.settings.find((setting) => setting.key === 'queue.url');
    expect(url).toMatchObject({ display: 'redis://:***@127.0.0.1:6390/1', source: { kind: 'env', variable: 'TAPPS_AGENTS_REDIS_URL' } });
    expect(JSON.stringify(resolved.settings)).not.toContain('hunter2');
  });

  it('rejects a URL that is not redis:// or rediss://, with file:line:col', async () => {
    const root = await testdir(config('queue:\n  url: http://127.0.0.1:6379\n'));
    await expect(resolveConfig({ projectRoot: root, env: {} })).rejects.toThrow(/config\.yaml:2:\d+: queue\.url: must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('config show names the transport, the masked URL and the project id derived from the origin', async () => {
    const root = await gitdir();
    await gitIn(root, 'remote', 'add', 'origin', 'https://ci:tok3n@git.example/team/app.git');
    const result = await runCli(['config', 'show', '--json'], { cwd: root, env: { TAPPS_AGENTS_REDIS_URL: 'rediss://:pa55@redis.example:6380' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('pa55');
    expect(result.stdout).not.toContain('tok3n');
    const settings = (JSON.parse(result.stdout) as { settings: Record<string, { display: string; source: string }> }).settings;
    expect(settings['workflow.transport']?.display).toBe('file');
    expect(settings['queue.url']).toEqual(expect.objectContaining({ display: 'rediss://:***@redis.example:6380', source: 'environment TAPPS_AGENTS_REDIS_URL' }));
    expect(settings['project.id']?.display).toMatch(/^git\.example-team-app-[0-9a-f]{8}$/);
    expect(settings['project.id']?.source).toBe('git remote origin (git.example/team/app)');
  });

  it('project.id from config.yaml wins over the origin', async () => {
    const root = await gitdir({ '.tapps-agents/config.yaml': 'project:\n  id: shop-backend\n' });
    const result = await runCli(['config', 'show', '--json'], { cwd: root });
    const settings = (JSON.parse(result.stdout) as { settings: Record<string, { display: string; source: string }> }).settings;
    expect(settings['project.id']?.display).toBe('shop-backend');
    expect(settings['project.id']?.source).toMatch(/config\.yaml:2:\d+$/);
  });
});

describe('an unreachable Redis', () => {
  it('is QUEUE_UNREACHABLE naming the URL without its password', async () => {
    const port = await freePort();
    const error = await checkRedis(`redis://:topsecret@127.0.0.1:${port}`, 3000).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'QUEUE_UNREACHABLE' });
    expect((error as Error).message).toContain(`redis://:***@127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('topsecret');
  });

  it('a reachable one reports its version', async () => {
    const info = await checkRedis('redis://127.0.0.1:6379');
    expect(info.version).toMatch(/^\d+\.\d+/);
  });
});
