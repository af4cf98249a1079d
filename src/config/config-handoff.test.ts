import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { packageVersion } from '../package-files.js';
import { CONFIG_HANDOFF_VARIABLE, encodeConfigHandoff, takeConfigHandoff } from './config-handoff.js';
import { resolveConfig } from './resolve.js';

const take = (value: string | undefined, projectRoot: string) => {
  const env: NodeJS.ProcessEnv = { PATH: '/bin', ...(value === undefined ? {} : { [CONFIG_HANDOFF_VARIABLE]: value }) };
  const config = takeConfigHandoff(env, projectRoot);
  expect(env).toEqual({ PATH: '/bin' }); // never left for the step's own processes
  return config;
};

describe('config handoff', () => {
  it('gives the child the runner\'s configuration while the files are as they were, also through a symbolic link', async () => {
    const root = await testdir({ '.tapps-agents/config.yaml': 'workflow:\n  concurrency: 3\n' });
    const config = await resolveConfig({ projectRoot: root });
    const value = encodeConfigHandoff(config);
    expect(take(value, root)).toEqual(config);
    const link = `${root}-link`;
    await symlink(root, link);
    expect(take(encodeConfigHandoff(await resolveConfig({ projectRoot: link })), root)?.workflow.concurrency).toBe(3);
    expect(take(undefined, root)).toBeUndefined();
  });

  it('is ignored once a configuration file changed, appeared or went away since it was resolved', async () => {
    const root = await testdir({ '.tapps-agents/config.yaml': 'workflow:\n  concurrency: 3\n' });
    const value = encodeConfigHandoff(await resolveConfig({ projectRoot: root }));
    const later = new Date(Date.now() + 5000);
    await utimes(path.join(root, '.tapps-agents', 'config.yaml'), later, later);
    expect(take(value, root)).toBeUndefined();

    const other = await testdir();
    const fresh = encodeConfigHandoff(await resolveConfig({ projectRoot: other }));
    await mkdir(path.join(other, '.cursor'), { recursive: true });
    await writeFile(path.join(other, '.cursor', 'background-agents.yaml'), 'agents: []\n');
    expect(take(fresh, other)).toBeUndefined();
  });

  it('is ignored for another project, another version, without file stamps, or unreadable; too large is not handed over', async () => {
    const root = await testdir();
    const config = await resolveConfig({ projectRoot: root });
    const { files: _files, ...unstamped } = config;
    expect(encodeConfigHandoff(unstamped)).toBeUndefined();
    expect(encodeConfigHandoff({ ...config, settings: Array.from({ length: 2000 }, (_, index) => ({ key: `k${index}`, value: 'x'.repeat(40), display: 'x', source: { kind: 'default' as const } })) })).toBeUndefined();
    for (const value of [
      encodeConfigHandoff({ ...config, projectRoot: await testdir() }),
      JSON.stringify({ version: '0.0.0-other', config }),
      JSON.stringify({ version: packageVersion(), config: unstamped }),
      '{not json',
      '',
    ]) {
      expect(take(value, root), String(value).slice(0, 40)).toBeUndefined();
    }
  });
});
