import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeSkill } from '../../src/agents/execute-skill.js';
import { importProvider } from '../../src/engines/provider-module.js';
import { skillContext } from './skill-context.js';

describe('orchestrator finalize', () => {
  it('writes a run summary from the runSummary the executor passes', async () => {
    const context = await skillContext();
    context.correlation = { ...context.correlation, step_id: 'done' };
    context.runSummary = {
      workflow_id: 'wf',
      run_id: 'wf-run-1',
      workflow_name: 'Demo',
      steps: [
        { step_id: 'reqs', agent: 'analyst', action: 'gather-requirements', status: 'success', attempts: 2, duration_ms: 1500, artifacts: ['requirements.md'], usage: { engine: 'local', input_tokens: 100, output_tokens: 40, cost_usd: 0.01 } },
        { step_id: 'review', agent: 'reviewer', action: 'review-code', status: 'failed', attempts: 1, error_message: 'Nothing to review' },
        { step_id: 'done', agent: 'orchestrator', action: 'finalize', status: 'running' },
      ],
    };
    const result = await executeSkill({ agent: 'orchestrator', action: 'complete', params: {} }, context);
    expect(result).toMatchObject({
      status: 'success',
      artifacts: ['run-summary.json', 'run-summary.md'],
      outputs: { steps: 2, failed_steps: 1, succeeded_steps: 1, step_results_known: true, input_tokens: 100, output_tokens: 40, cost_usd: 0.01 },
      output: 'summary of 2 steps written (1 failed)',
    });
    const markdown = await readFile(path.join(context.stepDir, 'run-summary.md'), 'utf8');
    expect(markdown).toContain('| reqs | analyst gather-requirements | success | 2 | 1.5 s | requirements.md |  |');
    expect(markdown).toContain('- steps: 1 success, 1 failed');
  });

  it('says so when the step results were not provided', async () => {
    const result = await executeSkill({ agent: 'orchestrator', action: 'finalize', params: {} }, await skillContext());
    expect(result).toMatchObject({ status: 'success', outputs: { step_results_known: false, steps: 0 }, output: 'summary written (step results were not provided)' });
  });
});

describe('the manual engine', () => {
  it('writes instructions for a person and reports that the step waits for one', async () => {
    const context = await skillContext({ '.tapps-agents/config.yaml': 'agents:\n  default_engine: manual\n' });
    const result = await executeSkill({ agent: 'analyst', action: 'gather-requirements', params: { description: 'a todo app' } }, context);
    const instructions = path.join(context.stepDir, '.cursor/manual-instructions.md');
    expect(result.error).toEqual({
      code: 'WAITING_FOR_PERSON',
      message: `This step is done by a person (engine "manual"): follow ${instructions}, create requirements.md, then mark the step complete (run the workflow with --manual to wait for it)`,
      retryable: false,
    });
    expect(await readFile(instructions, 'utf8')).toContain('Description: a todo app');
  });
});

describe('provider packages', () => {
  it('an installation that lacks one names it and says to reinstall', async () => {
    await expect(importProvider('@tapps-agents/not-installed-provider', 'The engine "x"')).rejects.toThrow(
      'The engine "x" needs the package "@tapps-agents/not-installed-provider", a dependency of tapps-agents that is missing from this installation. Reinstall tapps-agents (npm install tapps-agents) or install it next to tapps-agents: npm install @tapps-agents/not-installed-provider',
    );
  });
});
