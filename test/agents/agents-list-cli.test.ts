// `tapps-agents agents list` through the built CLI.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

describe('tapps-agents agents list', () => {
  it('prints every agent and action with its kind, and the engine model agents would use', async () => {
    const dir = await testdir({ '.tapps-agents/config.yaml': 'agents:\n  default_engine: manual\n  analyst:\n    engine: ollama\n' });
    const result = await runCli(['agents', 'list'], { cwd: dir, env: { PATH: '/usr/bin:/bin' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^analyst {7}gather-requirements {3}model {4}requirements, gather /m);
    expect(result.stdout).toMatch(/^reviewer {6}define-standards {6}model /m);
    expect(result.stdout).toMatch(/^ {14}review-code {11}builtin {2}review /m);
    expect(result.stdout).toMatch(/^analyst {6}ollama \(agent-config\)$/m);
    expect(result.stdout).toMatch(/^planner {6}manual \(default-engine\)$/m);
  });

  it('prints JSON with parameters and the engine choice', async () => {
    const dir = await testdir();
    const result = await runCli(['agents', 'list', '--json'], { cwd: dir, env: { PATH: '/nonexistent' } });
    const { agents } = JSON.parse(result.stdout) as { agents: { agent: string; actions: { name: string; kind: string; params: { name: string; required: boolean; default?: unknown }[] }[]; engine?: { problem?: string } }[] };
    expect(agents.map((agent) => agent.agent)).toEqual(['analyst', 'planner', 'architect', 'designer', 'implementer', 'reviewer', 'tester', 'debugger', 'documenter', 'ops', 'improver', 'enhancer', 'orchestrator', 'shell']);
    const review = agents.find((agent) => agent.agent === 'reviewer')?.actions.find((action) => action.name === 'review-code');
    expect(review?.kind).toBe('builtin');
    expect(review?.params.find((param) => param.name === 'min_score')).toEqual({ name: 'min_score', type: 'number', required: false, default: 70, description: '`outputs.passed` is true when the overall score reaches this.' });
    expect(agents[0]?.engine?.problem).toMatch(/^no engine is available for the model-backed agent "analyst"/);
    // Agents with builtin actions only need no engine.
    expect(agents.find((agent) => agent.agent === 'orchestrator')?.engine).toBeUndefined();
    expect(agents.find((agent) => agent.agent === 'reviewer')?.engine?.problem).toMatch(/^no engine is available for the model-backed agent "reviewer"/);
  });
});
