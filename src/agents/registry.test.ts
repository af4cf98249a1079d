import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_PROMPTS_DIR } from './model/prompt-template.js';
import { AGENT_ORDER, explainUnknownAction, findAction, listActions, listAgents } from './registry.js';

describe('the agent registry', () => {
  it('has every agent of PRODUCT.md §5', () => {
    expect(listAgents()).toEqual([...AGENT_ORDER]);
  });

  it.each([
    ['analyst', 'gather_requirements', 'gather-requirements'],
    ['analyst', '*gather-requirements', 'gather-requirements'],
    ['analyst', 'check-prerequisites', 'check-prerequisites'],
    ['planner', 'create_stories', 'plan'],
    ['architect', 'design_architecture', 'design-system'],
    ['designer', 'api_design', 'design-api'],
    ['implementer', 'implement-feature', 'implement'],
    ['implementer', 'write_code', 'implement'],
    ['reviewer', 'review', 'review-code'],
    ['reviewer', 'review_code', 'review-code'],
    ['reviewer', 'score', 'score'],
    ['tester', 'write_tests', 'generate-tests'],
    ['tester', 'run_tests', 'run-tests'],
    ['debugger', 'analyze_error', 'analyze-error'],
    ['documenter', 'generate_project_docs', 'generate-docs'],
    ['ops', 'security_scan', 'security-scan'],
    ['ops', 'audit', 'audit-deps'],
    ['improver', 'improve', 'improve'],
    ['enhancer', 'enhance_prompt', 'enhance'],
    ['orchestrator', 'complete', 'finalize'],
    ['shell', 'run', 'run'],
  ])('finds %s %s as %s', (agent, action, name) => {
    expect(findAction(agent, action)?.name).toBe(name);
  });

  it('has no name or alias twice within an agent', () => {
    for (const agent of listAgents()) {
      const names = listActions()
        .filter((action) => action.agent === agent)
        .flatMap((action) => [action.name, ...(action.aliases ?? [])]);
      expect(new Set(names).size, agent).toBe(names.length);
    }
  });

  it('ships a versioned prompt template for every model-backed action', () => {
    for (const action of listActions().filter((candidate) => candidate.kind === 'model')) {
      expect(existsSync(path.join(SHIPPED_PROMPTS_DIR, action.agent, `${action.name}.md`)), `${action.agent}/${action.name}`).toBe(true);
    }
  });

  it('suggests the closest names', () => {
    expect(explainUnknownAction('reviwer', 'score')).toBe('unknown agent "reviwer"; did you mean "reviewer"?');
    expect(explainUnknownAction('tester', 'run-test')).toBe('unknown action "run-test" for agent "tester"; did you mean "run-tests"?');
  });
});
