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
});
