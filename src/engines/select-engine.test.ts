import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preflightEngines } from '../agents/preflight-engines.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { selectEngine } from './select-engine.js';

function config(agents: ResolvedConfig['agents'], engines: ResolvedConfig['engines'] = {}): ResolvedConfig {
  return { agents, engines } as ResolvedConfig;
}

async function pathWith(...commands: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapps-path-'));
  for (const command of commands) {
    await writeFile(path.join(dir, command), '#!/bin/sh\n');
    await chmod(path.join(dir, command), 0o755);
  }
  return dir;
}

describe('selectEngine', () => {
  const local = { provider: 'openai-compatible' as const, base_url: 'http://127.0.0.1:11434/v1', model: 'llama3.1' };

  it('takes the step engine over the agent engine over the default engine', () => {
    const cfg = config({ defaultEngine: 'ollama', byAgent: { analyst: { engine: 'local' } } }, { local, other: { ...local, model: 'm2' } });
    const env = {};
    expect(selectEngine({ agent: 'analyst', stepEngine: 'other', config: cfg, env })).toMatchObject({ ok: true, spec: { name: 'other', model: 'm2' }, source: 'step' });
    expect(selectEngine({ agent: 'analyst', config: cfg, env })).toMatchObject({ ok: true, spec: { name: 'local' }, source: 'agent-config' });
    expect(selectEngine({ agent: 'planner', config: cfg, env })).toMatchObject({ ok: true, spec: { name: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' }, source: 'default-engine' });
  });

  it('auto-detects an API key first, then a CLI on PATH', async () => {
    const cfg = config({ defaultEngine: 'auto', byAgent: {} });
    const bin = await pathWith('codex');
    expect(selectEngine({ agent: 'analyst', config: cfg, env: { PATH: bin, ANTHROPIC_API_KEY: 'k' } })).toMatchObject({ ok: true, spec: { name: 'anthropic' }, source: 'auto-detect' });
    expect(selectEngine({ agent: 'analyst', config: cfg, env: { PATH: bin } })).toMatchObject({ ok: true, spec: { name: 'codex', command: 'codex' } });
    expect(selectEngine({ agent: 'analyst', config: undefined, env: { PATH: bin, OPENAI_API_KEY: '' } })).toMatchObject({ ok: true, spec: { name: 'codex' } });
  });

  it('names the options when nothing is available', () => {
    expect(selectEngine({ agent: 'analyst', config: undefined, env: { PATH: '/nonexistent' } })).toEqual({
      ok: false,
      problem:
        'no engine is available for the model-backed agent "analyst": set OPENAI_API_KEY or ANTHROPIC_API_KEY, put a coding-agent CLI on PATH (claude, codex, cursor-agent, aider, gemini), or choose one in .tapps-agents/config.yaml (agents.default_engine: ollama | lmstudio | vllm | manual | a key of engines:) or with a step\'s "engine:"',
    });
  });

  it('suggests the closest engine name for a typo', () => {
    expect(selectEngine({ agent: 'analyst', stepEngine: 'olama', config: undefined, env: {} })).toMatchObject({ ok: false, problem: expect.stringContaining('unknown engine "olama" (from the step\'s "engine"); did you mean "ollama"?') as string });
  });

  it("takes the agent's model before checking that a model is known", () => {
    const cfg = config({ defaultEngine: 'lm', byAgent: { analyst: { model: 'qwen' } } }, { lm: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1234/v1' } });
    expect(selectEngine({ agent: 'analyst', config: cfg, env: {} })).toMatchObject({ ok: true, spec: { name: 'lm', model: 'qwen' } });
    expect(selectEngine({ agent: 'planner', config: cfg, env: {} })).toEqual({
      ok: false,
      problem: 'engine "lm" (from agents.default_engine in .tapps-agents/config.yaml) cannot run: no model is configured; set engines.lm.model (or agents.<agent>.model) in .tapps-agents/config.yaml',
    });
  });

  it('says which CLI is missing from PATH', () => {
    expect(selectEngine({ agent: 'analyst', stepEngine: 'claude', config: undefined, env: { PATH: '/nonexistent' } })).toEqual({ ok: false, problem: 'engine "claude" (from the step\'s "engine") cannot run: "claude" is not on PATH' });
  });
});

describe('preflightEngines', () => {
  it('reports each model-backed step that has no engine, and ignores builtin steps', () => {
    const problems = preflightEngines(
      [
        { id: 'reqs', agent: 'analyst', action: 'gather-requirements' },
        { id: 'review', agent: 'reviewer', action: 'review-code' },
        { id: 'design', agent: 'architect', action: 'design-system', engine: 'claude' },
        { id: 'typo', agent: 'nobody', action: 'x' },
      ],
      config({ defaultEngine: 'auto', byAgent: {} }),
      { PATH: '/nonexistent' },
    );
    expect(problems).toEqual([
      expect.stringMatching(/^step "reqs" \(analyst gather-requirements\): no engine is available for the model-backed agent "analyst": /) as string,
      'step "design" (architect design-system): engine "claude" (from the step\'s "engine") cannot run: "claude" is not on PATH',
    ]);
  });

  it('is empty when every model step has an engine', () => {
    expect(preflightEngines([{ agent: 'analyst', action: 'gather-requirements', engine: 'manual' }], undefined, {})).toEqual([]);
  });
});
