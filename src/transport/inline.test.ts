import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { silentObserver } from '../observability/observer.js';
import { createInlineTransport } from './inline.js';
import type { StepAttempt } from './transport.js';

function attempt(dir: string, script: string, extra: Partial<StepAttempt> = {}): StepAttempt {
  return {
    correlation: { workflow_id: 'wf', run_id: 'wf-run', step_id: 'a', attempt: 1, created_at: new Date().toISOString() },
    invocation: { agent: 'shell', action: 'run', params: { script } },
    stepDir: dir,
    protocolDir: dir,
    expectedArtifacts: [],
    inputs: {},
    timeoutMs: 60_000,
    env: process.env,
    ...extra,
  };
}

describe('inline transport', () => {
  const transport = createInlineTransport({ projectRoot: '/', logger: silentObserver.logger });

  it('runs a shell step in the work directory and checks its artifacts', async () => {
    const dir = await testdir();
    const ok = await transport.run(attempt(dir, 'echo hi > out.txt', { expectedArtifacts: ['out.txt'] }), new AbortController().signal);
    expect(ok).toMatchObject({ status: 'success', artifacts: ['out.txt'], outputs: { exit_code: 0 } });
    const missing = await transport.run(attempt(dir, 'true', { expectedArtifacts: ['nope.txt'] }), new AbortController().signal);
    expect(missing).toMatchObject({ status: 'failed', error: { code: 'ARTIFACT_MISSING', message: `Step finished but did not create "nope.txt" (expected in ${dir}, written during the attempt)`, retryable: true } });
  });

  it('reports a timeout as timeout and an abort as cancelled', async () => {
    const dir = await testdir();
    const slow = await transport.run(attempt(dir, 'sleep 30', { timeoutMs: 200 }), new AbortController().signal);
    expect(slow).toMatchObject({ status: 'timeout', error: { code: 'TIMEOUT', message: 'Step did not finish within 200ms; its process group was killed', retryable: true } });
    const controller = new AbortController();
    const pending = transport.run(attempt(dir, 'sleep 30'), controller.signal);
    controller.abort();
    expect(await pending).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
  });

  it('returns a failure for an unknown action instead of throwing', async () => {
    const dir = await testdir();
    const outcome = await transport.run(attempt(path.join(dir), '', { invocation: { agent: 'nobody', action: 'x', params: {} } }), new AbortController().signal);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_ACTION', retryable: false } });
  });
});
