import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { executeSkill } from '../../src/agents/execute-skill.js';
import type { SkillContext } from '../../src/agents/skill.js';
import { skillContext } from '../agents/skill-context.js';
import { isProcessAlive } from '../../src/exec/process-alive.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'fake-claude.mjs');

/** A project whose PATH starts with a temp dir holding a fake `claude`. */
async function claudeContext(mode: string): Promise<SkillContext & { log: string }> {
  const context = await skillContext({ '.tapps-agents/config.yaml': 'agents:\n  default_engine: claude\n' });
  const bin = path.join(context.projectRoot, 'bin');
  await mkdir(bin);
  await copyFile(FIXTURE, path.join(bin, 'claude'));
  const log = path.join(context.projectRoot, 'claude.log');
  context.env = { ...context.env, PATH: `${bin}:${context.env.PATH ?? ''}`, FAKE_CLAUDE_LOG: log, FAKE_CLAUDE_MODE: mode, FAKE_CLAUDE_PIDS: path.join(context.projectRoot, 'pids') };
  return { ...context, log };
}

async function calls(log: string): Promise<{ args: string[]; cwd: string }[]> {
  return (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { args: string[]; cwd: string });
}


describe('the claude CLI engine', () => {
  it('runs `claude -p --output-format json` headless in the step directory and collects the file it wrote', async () => {
    const context = await claudeContext('write');
    const result = await executeSkill({ agent: 'architect', action: 'design-system', params: { target_file: 'docs/design.md', requirements: 'a todo app' } }, context);
    expect(result).toMatchObject({
      status: 'success',
      artifacts: ['docs/design.md'],
      usage: { engine: 'claude', input_tokens: 60, output_tokens: 20, cost_usd: 0.0123 },
    });
    const [call] = await calls(context.log);
    expect(call?.cwd).toBe(context.stepDir);
    expect(call?.args.slice(0, 5)).toEqual(['-p', '--output-format', 'json', '--permission-mode', 'acceptEdits']);
    expect(call?.args).toHaveLength(6); // the prompt is one argv element, never shell text
    expect(call?.args[5]).toContain('Write the result to "docs/design.md" in the current directory');
    expect(await readFile(path.join(context.stepDir, 'docs/design.md'), 'utf8')).toBe('# Written by fake claude\n');
  });

  it('passes the configured model', async () => {
    const context = await claudeContext('write');
    context.config = { ...(context.config as NonNullable<SkillContext['config']>), agents: { defaultEngine: 'claude', byAgent: { analyst: { model: 'opus' } } } };
    await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } }, context);
    expect((await calls(context.log))[0]?.args.slice(5, 7)).toEqual(['--model', 'opus']);
  });

  it('fails the step naming the missing target when the CLI only answered in text, and never writes its answer there', async () => {
    const context = await claudeContext('text');
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } }, context);
    expect(result).toMatchObject({
      status: 'failed',
      artifacts: [],
      error: { code: 'ARTIFACT_MISSING', message: 'Engine "claude" finished without writing "requirements.md"; its answer was: "# Answer only in text"', retryable: true },
    });
    await expect(readFile(path.join(context.stepDir, 'requirements.md'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('reports the error claude gives', async () => {
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } }, await claudeContext('error'));
    expect(result).toMatchObject({ status: 'failed', error: { code: 'ENGINE_FAILED', message: 'claude exited with code 1: Credit balance is too low', retryable: true }, usage: { cost_usd: 0.0123 } });
  });

  it('kills claude and its children at the step timeout', async () => {
    const context = await claudeContext('hang');
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } }, { ...context, timeoutMs: 1_500 });
    expect(result.error).toEqual({ code: 'TIMEOUT', message: 'claude did not finish within 1.5s; its process group was killed', retryable: true });
    const grandchild = Number((await readFile(path.join(context.projectRoot, 'pids'), 'utf8')).trim());
    await vi.waitFor(() => expect(isProcessAlive(grandchild)).toBe(false), { timeout: 10_000 });
  });

  it('is found by auto-detection when it is on PATH and no key is set', async () => {
    const context = await claudeContext('write');
    context.config = { ...(context.config as NonNullable<SkillContext['config']>), agents: { defaultEngine: 'auto', byAgent: {} } };
    const result = await executeSkill({ agent: 'planner', action: 'plan', params: { description: 'a todo app' } }, context);
    expect(result).toMatchObject({ status: 'success', usage: { engine: 'claude' } });
  });
});
