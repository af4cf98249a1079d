import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentObserver } from '../observability/observer.js';
import { executeSkill } from './execute-skill.js';
import type { SkillContext } from './skill.js';

async function context(overrides: Partial<SkillContext> = {}): Promise<SkillContext> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapps-skill-'));
  return {
    projectRoot: dir,
    stepDir: dir,
    correlation: { workflow_id: 'wf', run_id: 'wf-run', step_id: 's1', attempt: 1 },
    timeoutMs: 30_000,
    signal: new AbortController().signal,
    env: process.env,
    inputs: {},
    expectedArtifacts: [],
    logger: silentObserver.logger,
    ...overrides,
  };
}

describe('executeSkill', () => {
  it('runs a shell script in the step directory', async () => {
    const ctx = await context();
    const result = await executeSkill({ agent: 'shell', action: 'run', params: { script: 'echo hi > out.txt && echo done' } }, ctx);
    expect(result).toMatchObject({ status: 'success', output: 'done', outputs: { exit_code: 0, stdout: 'done\n' } });
    expect(await readFile(path.join(ctx.stepDir, 'out.txt'), 'utf8')).toBe('hi\n');
  });

  it('reports a failing command as a retryable failure with the last line of stderr', async () => {
    const result = await executeSkill({ agent: 'shell', action: 'run', params: { script: 'echo boom >&2; exit 4' } }, await context());
    expect(result).toMatchObject({ status: 'failed', error: { code: 'EXIT_CODE', message: 'Command exited with code 4: boom', retryable: true } });
  });

  it('runs argv without a shell', async () => {
    const result = await executeSkill({ agent: 'shell', action: 'exec', params: { argv: ['echo', '$HOME; rm -rf /'] } }, await context());
    expect(result.outputs.stdout).toBe('$HOME; rm -rf /\n');
  });

  it('names the closest agent and action when one is unknown', async () => {
    expect(await executeSkill({ agent: 'shel', action: 'run', params: {} }, await context())).toMatchObject({
      status: 'failed',
      error: { code: 'UNKNOWN_ACTION', message: 'unknown agent "shel"; did you mean "shell"?', retryable: false },
    });
    expect((await executeSkill({ agent: 'shell', action: 'rn', params: {} }, await context())).error?.message).toBe('unknown action "rn" for agent "shell"; did you mean "run"?');
  });

  it('rejects bad parameters, naming the flag', async () => {
    expect((await executeSkill({ agent: 'shell', action: 'run', params: { script: 'x', bogus: 1 } }, await context())).error).toEqual({
      code: 'INVALID_PARAMS',
      message: 'Invalid parameters for shell run: unknown parameter --bogus',
      retryable: false,
    });
  });
});
