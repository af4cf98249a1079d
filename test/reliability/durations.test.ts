// Every place a duration is written (issue 14, class 4): up to 365d is accepted and runs without overflowing Node's
// timer; beyond it is a validation error with file:line (files) or a usage error (flags) — never a timer that fires at
// once or a date out of range.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

const CAP = 'must be at most 365d (the longest duration tapps-agents accepts)';

describe('durations over the 365d cap are refused at every entry point', () => {
  it.each([
    ['step timeout', 'steps:\n  - id: hello\n    run: echo hi\n    timeout: 366d\n', 'wf/w.yaml:5:14: steps.0.timeout: must be at most 365d (the longest duration tapps-agents accepts), got "366d"'],
    ['approval timeout', 'steps:\n  - id: hello\n    run: echo hi\n    approval:\n      timeout: 9999d\n', 'wf/w.yaml:6:16: steps.0.approval.timeout: must be at most 365d (the longest duration tapps-agents accepts), got "9999d"'],
    ['retry delay', 'steps:\n  - id: hello\n    run: echo hi\n    retry:\n      max_delay_seconds: 400d\n', 'wf/w.yaml:6:26: steps.0.retry.max_delay_seconds: must be at most 365d (the longest duration tapps-agents accepts), got "400d"'],
    ['retry delay in seconds', 'steps:\n  - id: hello\n    run: echo hi\n    retry:\n      initial_delay_seconds: 40000000\n', 'wf/w.yaml:6:30: steps.0.retry.initial_delay_seconds: must be at most 365d (the longest duration tapps-agents accepts), got 40000000'],
    ['worktree setup timeout', 'settings:\n  worktrees:\n    setup: "true"\n    setup_timeout: 400d\nsteps:\n  - id: hello\n    run: echo hi\n', `setup_timeout: ${CAP}, got "400d"`],
  ])('workflow %s', { timeout: 60_000 }, async (_label, body, expected) => {
    const root = await testdir({ 'wf/w.yaml': `id: demo\n${body}` });
    const result = await runCli(['workflow', 'validate', 'wf/w.yaml'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stdout + result.stderr).toContain(expected);
  });

  it.each([
    ['.tapps-agents/auto_execution_config.yaml', 'auto_execution:\n  polling:\n    timeout_seconds: 400d\n', '.tapps-agents/auto_execution_config.yaml:3:22: auto_execution.polling.timeout_seconds'],
    ['.tapps-agents/config.yaml', 'workflow:\n  timeout_seconds: 400d\n', '.tapps-agents/config.yaml:2:20: workflow.timeout_seconds'],
    ['.cursor/background-agents.yaml', 'agents:\n  - name: a\n    type: background\n    commands: ["true"]\n    watch_paths: ["x"]\n    timeout_seconds: 400d\n', '.cursor/background-agents.yaml:6:22: agents.0.timeout_seconds'],
  ])('config %s', { timeout: 60_000 }, async (file, body, where) => {
    const root = await testdir({ [file]: body });
    const args = file.startsWith('.cursor') ? ['background-agent-config', 'validate'] : ['config', 'show'];
    const result = await runCli(args, { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stdout + result.stderr).toContain(`${where}: ${CAP}, got "400d"`);
  });

  it.each([
    [['auto-execution', 'history', '--since', '400d'], 'error: --since "400d" reaches too far back: a duration must be at most 365d (the longest duration tapps-agents accepts); give an ISO time like "2026-01-01" for older records'],
    [['workflow', 'cleanup', '--older-than', '400d'], `error: --older-than "400d" ${CAP}.`],
    [['background-agent', 'stop', '--grace', '400d'], `error: --grace ${CAP}, got "400d"`],
  ])('flag %j', { timeout: 60_000 }, async (args, expected) => {
    const root = await testdir();
    const result = await runCli(args, { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(expected);
  });
});

describe('long durations within the cap', () => {
  it('a step with timeout: 30d runs to its end instead of timing out at once', { timeout: 60_000 }, async () => {
    const root = await testdir({ 'wf/w.yaml': 'id: demo\nsteps:\n  - id: hello\n    run: sleep 0.3 && echo done\n    timeout: 30d\n' });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf/w.yaml', '--no-auto'], { cwd: root });
    expect(result.stdout + result.stderr).not.toContain('timed out');
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it('365d validates', async () => {
    const root = await testdir({ 'wf/w.yaml': 'id: demo\nsteps:\n  - id: hello\n    run: echo hi\n    timeout: 365d\n' });
    expect((await runCli(['workflow', 'validate', 'wf/w.yaml'], { cwd: root })).exitCode).toBe(0);
  });
});
