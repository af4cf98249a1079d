import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeSkill } from '../../src/agents/execute-skill.js';
import { skillContext } from './skill-context.js';

describe('ops audit-deps (builtin)', () => {
  it('is skipped, saying why, when there is no npm lockfile', async () => {
    const context = await skillContext({ 'package.json': '{"name":"x","version":"1.0.0"}' });
    expect(await executeSkill({ agent: 'ops', action: 'audit', params: {} }, context)).toMatchObject({
      status: 'success',
      outputs: { audited: false, skipped: true },
      output: `skipped: no package-lock.json in ${context.projectRoot} (npm audit needs one)`,
    });
  });

  it('is skipped as "registry unreachable" when offline, without hanging', async () => {
    const context = await skillContext({
      'package.json': '{"name":"x","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}',
      'package-lock.json': JSON.stringify({ name: 'x', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'x', version: '1.0.0', dependencies: { 'left-pad': '1.3.0' } }, 'node_modules/left-pad': { version: '1.3.0', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz' } } }),
    });
    // A registry on a closed local port: connection refused at once.
    context.env = { ...context.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_config_audit_level: 'low' };
    const result = await executeSkill({ agent: 'ops', action: 'audit-deps', params: { timeout: 45 } }, context);
    expect(result).toMatchObject({ status: 'success', outputs: { audited: false, skipped: true, passed: true } });
    expect(result.output).toMatch(/^skipped: registry unreachable \(/);
  });

  it('is skipped when the registry (a mirror or proxy) has no audit endpoint', async () => {
    const context = await skillContext({ 'package.json': '{"name":"x"}', 'package-lock.json': '{"lockfileVersion":3,"packages":{}}' });
    const bin = path.join(context.projectRoot, 'bin');
    await mkdir(bin);
    // What npm prints when the registry answers the bulk advisory request with 405 (measured on this machine's proxy).
    const answer = { message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405, body: '', error: { summary: '', detail: '' } };
    await writeFile(path.join(bin, 'npm'), `#!/bin/sh\necho '${JSON.stringify(answer)}'\necho 'npm error audit endpoint returned an error' >&2\nexit 1\n`);
    await chmod(path.join(bin, 'npm'), 0o755);
    context.env = { ...context.env, PATH: `${bin}:${context.env.PATH ?? ''}` };
    expect(await executeSkill({ agent: 'ops', action: 'audit-deps', params: {} }, context)).toMatchObject({
      status: 'success',
      outputs: { audited: false, skipped: true },
      output: 'skipped: the registry offers no audit endpoint (405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk)',
    });
  });
});
