// Builds a SkillContext for tests: a temp project (optionally with .tapps-agents/config.yaml) and a step directory.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SkillContext } from '../../src/agents/skill.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { silentObserver } from '../../src/observability/observer.js';
import { testdir } from '../helpers/testdir.js';

/** A context for one step attempt in a fresh project holding `files`. */
export async function skillContext(files: Record<string, string> = {}, overrides: Partial<SkillContext> = {}): Promise<SkillContext> {
  const projectRoot = await testdir(files);
  const stepDir = path.join(projectRoot, '.tapps-agents', 'workflow-state', 'run-1', 'steps', 's1');
  await mkdir(stepDir, { recursive: true });
  return {
    projectRoot,
    stepDir,
    correlation: { workflow_id: 'wf', run_id: 'wf-run-1', step_id: 's1', attempt: 1 },
    timeoutMs: 30_000,
    signal: new AbortController().signal,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    inputs: {},
    expectedArtifacts: [],
    config: await resolveConfig({ projectRoot }),
    logger: silentObserver.logger,
    ...overrides,
  };
}
