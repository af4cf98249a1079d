// The original executor's files served by our runner and read by our commands (issue 16 item 3): a skill runs in the
// directory its command file's worktree_path names even when it is a plain copied directory; the original's metrics
// records are counted, not called corrupt; a step served from a foreign command file gets a metrics record.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { protocolPathsIn } from '../../src/protocol/paths.js';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { waitFor } from '../helpers/wait-for.js';
import { readStatusFile } from '../../src/protocol/status-file.js';

const BUILTIN = 'tapps-agents workflow execute-skill-command --command-file {command_file_path}';
const WORKTREE = '.tapps-agents/worktrees/workflow-quality-20261202-071500-step-review-1a2b3c4d';
const COMPLEX_PY = 'def grade(x):\n    if x > 90:\n        return "A"\n    if x > 80:\n        return "B"\n    return "C"\n';

/** The original's command file (reference §2.2 a): JSON in a .txt file, correlation without run id or attempt. */
function originalCommandFile(worktreePath: string, command: string): string {
  return JSON.stringify(
    {
      command,
      correlation: { workflow_id: 'quality-20261202-071500', step_id: 'review', created_at: '2026-12-02T07:15:00.061120', expected_artifacts: ['review-report.json'] },
      worktree_path: worktreePath,
      instructions: 'Copying the command field...\nBackground Agent...\nmanually executing...',
      note: 'Command has been redacted to remove secrets. Original command contains same structure.',
    },
    null,
    2,
  );
}

/** A project whose root holds no app/: only the original's plain copied worktree directory does (no git, no markers). */
async function projectWithPlainWorktree(extra: Record<string, string> = {}): Promise<{ root: string; worktree: string; commandFile: string }> {
  const root = await testdir({ '.tapps-agents/.keep': '', [`${WORKTREE}/app/grade.py`]: COMPLEX_PY, [`${WORKTREE}/.tapps-agents/.keep`]: '', ...extra });
  const worktree = path.join(root, WORKTREE);
  const commandFile = path.join(worktree, '.cursor-skill-command.txt');
  await writeFile(commandFile, originalCommandFile(worktree, '@reviewer review --file app/grade.py'));
  return { root, worktree, commandFile };
}

describe("the original executor's files", () => {
  it('a skill runs in the plain directory its command file names as worktree_path, not in the project root', async () => {
    const { root, worktree, commandFile } = await projectWithPlainWorktree();
    const result = await runCli(['workflow', 'execute-skill-command', '--command-file', commandFile], { cwd: root });
    expect(result.stderr).not.toContain('TARGET_NOT_FOUND');
    expect(result).toMatchObject({ exitCode: 0, stdout: `completed; status written to ${path.join(worktree, '.cursor-skill-status.json')}\n` });
    const report = JSON.parse(await readFile(path.join(worktree, 'review-report.json'), 'utf8')) as { target: string; files: { file: string }[] };
    expect(report.target).toBe('app/grade.py');
    expect(report.files.map((file) => file.file)).toEqual(['app/grade.py']);
  });

  it("counts the original's metrics records (completed = success) instead of skipping them as unreadable", async () => {
    const day = '2026-12-01';
    // Python's json.dumps spacing, naive local started_at from the executor, null completed_at, an object error.
    const original = [
      { execution_id: 'a1', workflow_id: 'quality-20261201-101500', step_id: 'review', command: '@reviewer review --file src/app.py', status: 'completed', duration_ms: 1200.5, started_at: `${day}T10:15:00.000000`, retry_count: 0, completed_at: `${day}T10:15:01.200500+00:00`, error_message: null },
      { execution_id: 'a2', workflow_id: 'quality-20261201-101500', step_id: 'test', command: '@tester test --file src/app.py', status: 'failed', duration_ms: 800.0, started_at: `${day}T10:16:00`, retry_count: 0, completed_at: `${day}T10:16:00.800000`, error_message: { code: 'x', message: 'boom' } },
      { execution_id: 'a3', workflow_id: 'quality-20261201-101500', step_id: 'improve', command: '@improver improve --file src/app.py', status: 'timeout', duration_ms: 3600000.0, started_at: `${day}T09:00:00+00:00`, retry_count: 0, completed_at: null, error_message: 'timed out' },
    ].map((record) => JSON.stringify(record).replaceAll('":', '": ').replaceAll(',"', ', "'));
    const root = await testdir({ [`.tapps-agents/metrics/executions_${day}.jsonl`]: `${original.join('\n')}\n` });
    const metrics = await runCli(['auto-execution', 'metrics', '--json'], { cwd: root });
    expect(metrics.exitCode).toBe(0);
    expect(JSON.parse(metrics.stdout)).toMatchObject({ total_executions: 3, by_status: { success: 1, failed: 1, timeout: 1 } });
    const text = await runCli(['auto-execution', 'metrics'], { cwd: root });
    expect(text.stdout).not.toContain('unreadable');
    const history = await runCli(['auto-execution', 'history', '--json'], { cwd: root });
    const json = JSON.parse(history.stdout) as { executions: { step_id: string; status: string; agent: string; action: string; error_message: string | null }[]; unreadable_lines: Record<string, number> };
    expect(json.unreadable_lines).toEqual({});
    expect(json.executions.map((record) => [record.step_id, record.status, record.agent, record.action]).sort()).toEqual([
      ['improve', 'timeout', 'improver', 'improve'],
      ['review', 'success', 'reviewer', 'review'],
      ['test', 'failed', 'tester', 'test'],
    ]);
    expect(json.executions.find((record) => record.step_id === 'test')?.error_message).toBe('{"code":"x","message":"boom"}');
    const plain = await runCli(['auto-execution', 'history'], { cwd: root });
    expect(plain.stdout).not.toContain('unreadable');
  });

  it('a step the runner serves from a foreign command file gets its metrics record', { timeout: 60_000 }, async () => {
    const { root, worktree } = await projectWithPlainWorktree({
      '.cursor/background-agents.yaml': `agents:\n  - name: original steps\n    type: background\n    commands: ${JSON.stringify([BUILTIN])}\n    watch_paths: [".cursor-skill-command.txt"]\n`,
    });
    // The real daemon (its observer writes metrics), as a user starts it.
    const started = await runCli(['background-agent', 'start', '--json'], { cwd: root });
    expect(started.exitCode).toBe(0);
    try {
      const statusFile = protocolPathsIn(worktree).statusFile;
      const status = await waitFor(async () => {
        const reading = await readStatusFile(statusFile);
        return reading.kind === 'ok' && reading.report.terminal ? reading.report : undefined;
      }, 'terminal status', 45_000);
      expect(status.status).toBe('completed');
      const history = await waitFor(async () => {
        const result = JSON.parse((await runCli(['auto-execution', 'history', '--json'], { cwd: root })).stdout) as { executions: { workflow_id: string; step_id: string; status: string; agent: string; action: string }[] };
        return result.executions.length > 0 ? result.executions : undefined;
      }, 'metrics record', 20_000);
      expect(history).toEqual([expect.objectContaining({ workflow_id: 'quality-20261202-071500', step_id: 'review', status: 'success', agent: 'reviewer', action: 'review' })]);
    } finally {
      expect((await runCli(['background-agent', 'stop'], { cwd: root })).exitCode).toBe(0);
    }
  });
});
