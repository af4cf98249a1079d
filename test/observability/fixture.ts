// A project with recorded executions, an audit log, a running run and a live runner, for the auto-execution tests.

import { runnerStatusJson, runStateJson, stepState } from '../helpers/protocol-fixtures.js';
import { testdir } from '../helpers/testdir.js';

/** A fresh heartbeat: the fixture's runner (this test process) is alive and beating, not stalled. */
export const RUNNER_HEARTBEAT_AT = `${new Date().toISOString().slice(0, 19)}.000Z`;

interface Attempt {
  step: string;
  status: string;
  at: string;
  ms: number;
  agent?: string;
  action?: string;
  attempt?: number;
  workflow?: string;
  error?: string | null;
  usage?: Record<string, unknown> | null;
}

/** One metrics line as the observer writes it. */
export function metricsLine(attempt: Attempt): string {
  const workflow = attempt.workflow ?? 'feature';
  const number = attempt.attempt ?? 1;
  const agent = attempt.agent ?? 'analyst';
  const action = attempt.action ?? 'gather-requirements';
  return JSON.stringify({
    schemaVersion: 1,
    ts: attempt.at,
    execution_id: `${workflow}-run/${attempt.step}/${number}`,
    workflow_id: workflow,
    run_id: `${workflow}-run`,
    step_id: attempt.step,
    agent,
    action,
    command: `@${agent} ${action}`,
    status: attempt.status,
    duration_ms: attempt.ms,
    retry_count: number - 1,
    started_at: new Date(Date.parse(attempt.at) - attempt.ms).toISOString(),
    completed_at: attempt.at,
    error_message: attempt.error ?? null,
    usage: attempt.usage ?? null,
  });
}

/** The fixture's metrics: 3 successes and 1 failure of "feature", 1 skipped step of "docs", a corrupt and a torn line. */
export const METRICS = {
  '.tapps-agents/metrics/executions_2026-11-23.jsonl': `${[
    metricsLine({ step: 'gather', status: 'success', at: '2026-11-23T22:00:00.000Z', ms: 1200, usage: { engine: 'openai-compatible', model: 'm', input_tokens: 1000, output_tokens: 250, cost_usd: 0.0125 } }),
    'this line is corrupt',
  ].join('\n')}\n`,
  '.tapps-agents/metrics/executions_2026-11-24.jsonl': `${[
    metricsLine({ step: 'design', status: 'success', at: '2026-11-24T09:00:00.000Z', ms: 45_000, agent: 'architect', action: 'design-system' }),
    metricsLine({ step: 'implement', status: 'failed', at: '2026-11-24T09:10:00.000Z', ms: 600_000, agent: 'implementer', action: 'implement-feature', error: 'exit code 1: npm test failed\nmore detail' }),
    metricsLine({ step: 'implement', status: 'success', at: '2026-11-24T09:25:00.000Z', ms: 900_000, agent: 'implementer', action: 'implement-feature', attempt: 2 }),
    metricsLine({ step: 'publish', status: 'skipped', at: '2026-11-24T09:26:00.000Z', ms: 0, workflow: 'docs', agent: 'documenter', action: 'write-docs' }),
  ].join('\n')}\n{"schemaVersion":1,"ts":"2026-11-24T09:27`,
};

/** A run of "feature" that is running step "review" (executor: this process), and a runner (this process) that is idle. */
export function liveState(): Record<string, string> {
  return {
    '.tapps-agents/workflow-state/feature-20261124T090000Z-ab12/state.json': runStateJson('feature-20261124T090000Z-ab12', {
      workflow_id: 'feature',
      started_at: '2026-11-24T09:00:00.000Z',
      steps: {
        design: stepState('design', { status: 'succeeded', attempt: 1 }),
        review: stepState('review', { status: 'running', attempt: 1, started_at: '2026-11-24T09:30:00.000Z', step_dir: '.tapps-agents/workflow-state/feature-20261124T090000Z-ab12/steps/review' }),
      },
    }),
    '.tapps-agents/runner/status.json': runnerStatusJson({ started_at: '2026-11-24T08:00:00.000Z', heartbeat_at: RUNNER_HEARTBEAT_AT }),
  };
}

/** A temp project holding the fixture. */
export function fixtureProject(extra: Record<string, string> = {}): Promise<string> {
  return testdir({ ...METRICS, ...liveState(), ...extra });
}
