import { describe, expect, it } from 'vitest';
import { CONFIG_HANDOFF_VARIABLE, encodeConfigHandoff, takeConfigHandoff } from './config-handoff.js';
import { resolveConfig } from './resolve.js';
import { testdir } from '../../test/helpers/testdir.js';

describe('config handoff', () => {
  it('gives the child the runner\'s configuration once, and removes the variable from its environment', async () => {
    const root = await testdir();
    const config = await resolveConfig({ projectRoot: root });
    const env: NodeJS.ProcessEnv = { PATH: '/bin', [CONFIG_HANDOFF_VARIABLE]: encodeConfigHandoff(config) };
    expect(takeConfigHandoff(env, root)).toEqual(config);
    expect(env).toEqual({ PATH: '/bin' });
    expect(takeConfigHandoff(env, root)).toBeUndefined();
  });

  it('ignores a configuration for another project, of another format, or unreadable (the child then reads the files)', async () => {
    const root = await testdir();
    const config = await resolveConfig({ projectRoot: root });
    for (const value of [encodeConfigHandoff({ ...config, projectRoot: '/elsewhere' }), JSON.stringify({ format: 2, config }), JSON.stringify({ format: 1, config: { projectRoot: root } }), '{not json', '']) {
      const env: NodeJS.ProcessEnv = { [CONFIG_HANDOFF_VARIABLE]: value };
      expect(takeConfigHandoff(env, root), value.slice(0, 40)).toBeUndefined();
      expect(env).toEqual({});
    }
  });
});
