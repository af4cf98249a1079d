import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeSkill } from '../../src/agents/execute-skill.js';
import { skillContext } from './skill-context.js';

describe('analyst check-prerequisites (builtin)', () => {
  it('outputs prerequisites_met true when everything is there', async () => {
    const context = await skillContext({ 'README.md': 'hi' });
    context.env = { ...context.env, SOME_TOKEN: 'secret-value' };
    const result = await executeSkill({ agent: 'analyst', action: 'check-prerequisites', params: { files: ['README.md'], commands: ['node'], env: ['SOME_TOKEN'], versions: { node: '18' } } }, context);
    expect(result).toMatchObject({ status: 'success', outputs: { prerequisites_met: true, checked: 4, missing: [] }, output: 'all 4 prerequisites met' });
    const report = await readFile(path.join(context.stepDir, 'prerequisites-report.json'), 'utf8');
    expect(report).not.toContain('secret-value');
  });

  it('names every missing file, command, variable and too-old tool, and fails the step', async () => {
    const context = await skillContext();
    const result = await executeSkill(
      { agent: 'analyst', action: 'check_prerequisites', params: { files: ['missing.txt'], commands: ['no-such-command-xyz'], env: ['NO_SUCH_VAR_XYZ'], versions: { node: '999.1' } } },
      context,
    );
    expect(result.outputs.prerequisites_met).toBe(false);
    expect(result.error).toEqual({
      code: 'PREREQUISITES_UNMET',
      message: `Prerequisites not met: file missing.txt: not found; command no-such-command-xyz: not on PATH; env NO_SUCH_VAR_XYZ: not set; version node: ${process.versions.node} (need >= 999.1)`,
      retryable: false,
    });
  });

  it("reads the seed's check_file, and can report without failing", async () => {
    const context = await skillContext({ 'prerequisites.md': '# Prerequisites\n\n- file: `package.json`\n- command: node\n- version: node >= 20\n- env: NOT_SET_ANYWHERE\n' });
    const result = await executeSkill({ agent: 'analyst', action: 'check-prerequisites', params: { check_file: 'prerequisites.md', fail_when_unmet: false } }, context);
    expect(result).toMatchObject({
      status: 'success',
      outputs: { prerequisites_met: false, checked: 4, missing: ['file package.json: not found', 'env NOT_SET_ANYWHERE: not set'] },
      output: '2 of 4 prerequisites missing',
    });
  });

  it('treats a missing check_file as an unmet prerequisite', async () => {
    const result = await executeSkill({ agent: 'analyst', action: 'check-prerequisites', params: { check_file: 'prerequisites.md' } }, await skillContext());
    expect(result.error?.message).toBe('Prerequisites not met: file prerequisites.md: prerequisites file not found');
  });
});

describe('check-prerequisites with list items it cannot read', () => {
  it('reports them as not understood instead of passing silently', async () => {
    const context = await skillContext({ 'prerequisites.md': '# Prerequisites\n- [ ] node installed\n- file: prerequisites.md\n' });
    const result = await executeSkill({ agent: 'analyst', action: 'check-prerequisites', params: { check_file: 'prerequisites.md' } }, context);
    expect(result.outputs).toMatchObject({
      prerequisites_met: false,
      checked: 2,
      missing: ['unrecognised [ ] node installed: not understood: write "- file: path", "- command: name", "- env: NAME" or "- version: tool >= 1.2"'],
    });
  });
});
