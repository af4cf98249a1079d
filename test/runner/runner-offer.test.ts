// A command handed to a runner that is not running is not dropped: `offer` says why it took nothing, and the file
// transport ends the attempt at once (retryable) with that reason instead of waiting for its deadline.

import { access } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { protocolPaths } from '../../src/protocol/paths.js';
import { Runner } from '../../src/runner/runner.js';
import { FileTransport } from '../../src/transport/file.js';
import { testdir } from '../helpers/testdir.js';
import { stepDirOf } from './helpers.js';

describe('offer on a runner that is not running', () => {
  it('says the runner has not started, or has stopped, and takes nothing', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const runner = new Runner({ projectRoot: root, embedded: true, config: await resolveConfig({ projectRoot: root }) });
    const file = protocolPaths(stepDirOf(root, 'run-1', 'build')).commandFile;
    expect(runner.offer(file)).toEqual({ taken: false, reason: `Runner ${runner.id} has not started yet (state=starting) and takes no command file` });
    await runner.start();
    await runner.stop({ graceMs: 0 });
    expect(runner.offer(file)).toEqual({ taken: false, reason: `Runner ${runner.id} has stopped (state=stopped) and takes no command file` });
  });

  it('makes the file transport fail the attempt as retryable at once, the command file taken back', async () => {
    const root = await testdir({ '.tapps-agents/.keep': '' });
    const config = await resolveConfig({ projectRoot: root });
    const runner = new Runner({ projectRoot: root, embedded: true, config });
    await runner.start();
    await runner.stop({ graceMs: 0 });
    const transport = new FileTransport({ projectRoot: root, config, localRunner: () => Promise.resolve(runner) });
    const stepDir = stepDirOf(root, 'run-1', 'build');
    const outcome = await transport.run(
      {
        correlation: { workflow_id: 'wf', run_id: 'run-1', step_id: 'build', attempt: 1, created_at: new Date().toISOString() },
        invocation: { agent: 'shell', action: 'run', params: { script: 'true' } },
        stepDir,
        protocolDir: stepDir,
        expectedArtifacts: [],
        inputs: {},
        timeoutMs: 600_000,
        env: {},
      },
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'NO_RUNNER', retryable: true, message: `The runner in this process did not take this step: Runner ${runner.id} has stopped (state=stopped) and takes no command file; the step can be retried` },
    });
    await expect(access(protocolPaths(stepDir).commandFile)).rejects.toThrow('ENOENT');
  });
});
