// Expected artifacts through the queue: the check judges what the step did on the worker, where it ran. A step that
// rewrites a file its dependency wrote, with the same content, wrote its artifact (the diff is empty, the file travels
// back); a step that only was given the file (as an input) and did not write it did not.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { queueConfig, queueProject, startWorker, workerAgents } from './queue-project.js';
import { REDIS_URL, uniquePrefix } from './redis-fixture.js';

const WORKFLOW = `id: same
name: Same content
steps:
  - id: first
    run: echo same > report.txt; echo given > given.txt
    creates: [report.txt, given.txt]
  - id: pause
    needs: [first]
    run: sleep 2
  - id: again
    needs: [first, pause]
    run: echo same > report.txt
    creates: [report.txt]
  - id: given-only
    needs: [first, pause]
    run: "true"
    creates: [given.txt]
    retry: { max_attempts: 1 }
    on_error: continue
`;

const runIdOf = (stdout: string) => /Run (\S+) started/.exec(stdout)?.[1] as string;

describe('queue transport, expected artifacts', () => {
  it('a step rewriting a file with the content it had wrote it; a step only given it did not', { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix('artifacts');
    const project = await queueProject({ '.tapps-agents/config.yaml': queueConfig({ prefix, url: REDIS_URL }), '.cursor/background-agents.yaml': workerAgents(1), 'wf.yaml': WORKFLOW }, 1);
    await startWorker(project.clones[0] as string);
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: project.executor, timeoutMs: 150_000 });
    const status = JSON.parse((await runCli(['workflow', 'status', runIdOf(result.stdout), '--json'], { cwd: project.executor })).stdout) as {
      steps: Record<string, { status: string; error?: { code: string; message: string } | null }>;
    };
    expect(status.steps.again?.status, result.stdout + result.stderr).toBe('succeeded');
    expect(status.steps['given-only']?.status).toBe('failed');
    expect(status.steps['given-only']?.error?.code).toBe('ARTIFACT_MISSING');
    expect(status.steps['given-only']?.error?.message).toMatch(/^Step finished but did not create "given\.txt" \(expected in \S+ on worker \S+, written during the attempt\)$/);
  });
});
