// The `workflow` commands end to end with the built CLI: execute, list, status, validate, cancel (grandchildren die),
// SIGINT, approvals across a restart, and kill -9 of the executor followed by resume (each finished step ran once).

import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { waitFor } from '../helpers/wait-for.js';
import { isProcessAlive } from '../../src/exec/process-alive.js';

const GRANDCHILDREN = fileURLToPath(new URL('../fixtures/bin/spawn-grandchildren.sh', import.meta.url));

interface Started {
  child: ChildProcess;
  events: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
}

/** Starts `tapps-agents <args> --json` in the background, collecting its JSON events. */
function startCliWithEvents(args: string[], cwd: string): Started {
  const { child } = startCli(args, { cwd });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const events: Record<string, unknown>[] = [];
  let out = '';
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.startsWith('{')) events.push(JSON.parse(line) as Record<string, unknown>);
      newline = buffered.indexOf('\n');
    }
  });
  child.stderr?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, events, exited, stdout: () => out };
}

async function runIdOf(dir: string): Promise<string> {
  const runs = await readdir(path.join(dir, '.tapps-agents', 'workflow-state'));
  expect(runs).toHaveLength(1);
  return runs[0] as string;
}

describe('workflow CLI', () => {
  it('executes a workflow: one line per event off a terminal, a summary, exit 4 for a failed on_error: continue step; list and status read the run', async () => {
    const dir = await testdir({
      'wf.yaml': `id: demo
name: Demo
steps:
  - { id: hello, run: "echo hello > hello.txt", creates: [hello.txt] }
  - { id: lint, run: "exit 3", on_error: continue, retry: { max_attempts: 1 } }
  - { id: skipped, run: "true", condition: steps.lint.status == "succeeded" }
`,
    });
    const result = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: dir });
    expect(result.exitCode).toBe(4);
    const runId = await runIdOf(dir);
    expect(runId).toMatch(/^demo-\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      `Run ${runId} started: Demo (3 steps, transport inline)`,
      'step hello: started (attempt 1)',
      'step hello: succeeded (attempt 1)',
      'step lint: started (attempt 1)',
      'step lint: failed (attempt 1) (on_error: continue): Command exited with code 3',
      'step skipped: skipped: condition is false: steps.lint.status == "succeeded"',
      '',
    ]);
    expect(lines[7]).toMatch(new RegExp(`^Run ${runId} completed with 1 failed step in [\\d.]+m?s: 1 succeeded, 1 failed, 1 skipped$`));
    expect(await readFile(path.join(dir, 'hello.txt'), 'utf8')).toBe('hello\n');

    const list = await runCli(['workflow', 'list', '--json'], { cwd: dir });
    expect(JSON.parse(list.stdout)).toMatchObject({ runs: [{ run_id: runId, status: 'completed_with_failures', steps: { succeeded: 1, failed: 1, skipped: 1 } }] });
    const status = await runCli(['workflow', 'status', runId, '--json'], { cwd: dir });
    expect(JSON.parse(status.stdout)).toMatchObject({ run_id: runId, workflow_id: 'demo', status: 'completed_with_failures', failed_steps: 1, summary: 'completed with 1 failed step', steps: { hello: { status: 'succeeded', attempt: 1, outputs: { exit_code: 0 } } } });
    const text = await runCli(['workflow', 'status', runId], { cwd: dir });
    expect(text.stdout.split('\n')[0]).toBe(`Run ${runId}: completed with 1 failed step`);

    // Its failed step can run again; a run that succeeded cannot be resumed.
    const again = await runCli(['workflow', 'resume', runId], { cwd: dir });
    expect(again.exitCode).toBe(4);
    expect(again.stdout).toContain('step lint: failed (attempt 2) (on_error: continue): Command exited with code 3');
    await writeFile(path.join(dir, 'ok.yaml'), 'id: ok\nsteps:\n  - { id: a, run: "true" }\n');
    const ok = await runCli(['workflow', 'execute', '--workflow', 'ok.yaml'], { cwd: dir });
    expect(ok.exitCode).toBe(0);
    const okId = /Run (ok-\S+) /.exec(ok.stdout)?.[1] ?? '';
    const done = await runCli(['workflow', 'resume', okId], { cwd: dir });
    expect(done).toMatchObject({ exitCode: 3, stderr: `error: Run ${okId} already succeeded; start a new run with "tapps-agents workflow execute --workflow ${path.join(await realpath(dir), 'ok.yaml')}"\n` });
    const unknown = await runCli(['workflow', 'status', 'nope-1'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe(`error: No run "nope-1" in ${path.join(await realpath(dir), '.tapps-agents', 'workflow-state')}; list runs with "tapps-agents workflow list"\n`);
    const traversal = await runCli(['workflow', 'status', '../../etc'], { cwd: dir });
    expect(traversal).toMatchObject({ exitCode: 2, stderr: 'error: Run id "../../etc" is not valid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."; use the id printed by "workflow execute" or "workflow list"\n' });
  });

  it('exits 1 when the run fails and 2 with every problem when the workflow is invalid', async () => {
    const dir = await testdir({
      'fails.yaml': 'id: fails\nsteps:\n  - { id: a, run: "exit 1", retry: { max_attempts: 1 } }\n  - { id: b, run: "true" }\n',
      'bad.yaml': 'id: bad\nsteps:\n  - { id: a, agent: analist, action: gather-requirements }\n  - { id: a, run: "true", needs: [zzz] }\n',
    });
    const failed = await runCli(['workflow', 'execute', '--workflow', 'fails.yaml'], { cwd: dir });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toContain('Error: step "a" failed: Command exited with code 1');
    expect(failed.stdout).toContain('Resume with: tapps-agents workflow resume fails-');

    const invalid = await runCli(['workflow', 'execute', '--workflow', 'bad.yaml'], { cwd: dir });
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toBe(
      [
        'error: Workflow is invalid (3 problems):',
        'bad.yaml:3:21: steps.0.agent: unknown agent "analist"; did you mean "analyst"?',
        'bad.yaml:4:11: steps.1.id: duplicate step id "a" (first used by step 1); step ids must be unique',
        'bad.yaml:4:35: steps.1.needs.0: unknown step "zzz"; steps are: a',
        '',
      ].join('\n'),
    );
    const validate = await runCli(['workflow', 'validate', 'bad.yaml', '--json'], { cwd: dir });
    expect(validate.exitCode).toBe(2);
    expect((JSON.parse(validate.stdout) as { problems: { text: string }[] }).problems.map((problem) => problem.text)).toHaveLength(3);
  });

  it('validate reports every independent problem at once: top-level, per field, per step and across steps', async () => {
    const dir = await testdir({
      'many.yaml': `workflow:
  id: many
  concurrency: none
  steps:
    - id: plan
      agent: planer
      action: plan
      needs: [design]
    - id: design
      run: echo design
      retry: { max_attempts: 0 }
      condition: steps.plan.status = "succeeded"
    - id: build
      run: echo build
      needs: [ship]
      gate: { condition: outputs.score >= 70, on_fail: plann }
    - id: ship
      run: echo ship
      needs: [build]
    - id: ship
      run: echo again
`,
    });
    const problems = [
      'many.yaml:3:16: workflow.concurrency: expected a number, got "none"',
      'many.yaml:5:7: workflow.steps.0: dependency cycle: plan → design → plan; a step cannot (indirectly) wait for itself (loops are written with gate on_fail)',
      'many.yaml:6:14: workflow.steps.0.agent: unknown agent "planer"; did you mean "planner"?',
      'many.yaml:11:30: workflow.steps.1.retry.max_attempts: must be at least 1, got 0',
      'many.yaml:12:36: workflow.steps.1.condition: cannot parse "steps.plan.status = \\"succeeded\\"": "=" is not an operator; use "==" to compare (column 19 of the expression)',
      'many.yaml:13:7: workflow.steps.2: dependency cycle: build → ship → build; a step cannot (indirectly) wait for itself (loops are written with gate on_fail)',
      'many.yaml:16:56: workflow.steps.2.gate.on_fail: unknown step "plann"; did you mean "plan"? (or use "next", "retry" or "fail")',
      'many.yaml:20:11: workflow.steps.4.id: duplicate step id "ship" (first used by step 4); step ids must be unique',
    ];
    expect(await runCli(['workflow', 'validate', 'many.yaml'], { cwd: dir })).toEqual({ exitCode: 2, stdout: '', stderr: [...problems, '', 'many.yaml: invalid (8 errors)', ''].join('\n') });
    expect(await runCli(['workflow', 'execute', '--workflow', 'many.yaml'], { cwd: dir })).toEqual({ exitCode: 2, stdout: '', stderr: ['error: Workflow is invalid (8 problems):', ...problems, ''].join('\n') });
  });

  it('cancel kills the running step with its grandchildren and marks the run cancelled (resumable)', async () => {
    const dir = await testdir({ 'wf.yaml': `id: slow\nsteps:\n  - { id: spawn, run: "sh ${GRANDCHILDREN} pids.txt" }\n  - { id: after, run: "true" }\n` });
    const run = startCliWithEvents(['workflow', 'execute', '--workflow', 'wf.yaml', '--json'], dir);
    const pidsFile = path.join(dir, 'pids.txt');
    await waitFor(async () => existsSync(pidsFile) && (await readFile(pidsFile, 'utf8')).trim().split('\n').length === 2, 'the grandchildren to start');
    const pids = (await readFile(pidsFile, 'utf8')).trim().split('\n').map(Number);
    const runId = await runIdOf(dir);
    const cancel = await runCli(['workflow', 'cancel', runId], { cwd: dir });
    expect(cancel.exitCode).toBe(0);
    expect(cancel.stdout).toMatch(/^Sent SIGTERM to the executor of run .+ \(pid \d+\); it kills running steps and marks the run cancelled\.\n$/);
    expect(await run.exited).toEqual({ code: 130, signal: null });
    await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), 'the grandchildren to die');
    const status = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as { status: string; steps: Record<string, { status: string }> };
    expect(status.status).toBe('cancelled');
    expect(status.steps.spawn?.status).toBe('cancelled');
    expect(status.steps.after?.status).toBe('pending');
  });

  it('SIGINT cancels running steps and exits 130', async () => {
    const dir = await testdir({ 'wf.yaml': 'id: int\nsteps:\n  - { id: wait, run: "echo started > started.txt; sleep 60" }\n' });
    const run = startCliWithEvents(['workflow', 'execute', '--workflow', 'wf.yaml'], dir);
    await waitFor(() => existsSync(path.join(dir, 'started.txt')), 'the step to start');
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    expect(run.stdout()).toContain('Resume with: tapps-agents workflow resume int-');
  });

  it('an approval survives a restart of the executor', async () => {
    const dir = await testdir({
      'wf.yaml': `id: gated
steps:
  - { id: build, run: "echo x >> build-count.txt" }
  - id: sign-off
    approval: { prompt: "Ship the build?" }
  - { id: ship, run: "echo shipped > shipped.txt" }
`,
    });
    const first = startCliWithEvents(['workflow', 'execute', '--workflow', 'wf.yaml', '--json'], dir);
    await waitFor(() => first.events.some((event) => event.type === 'step.waiting_approval'), 'the approval step');
    const waiting = first.events.find((event) => event.type === 'step.waiting_approval');
    const runId = String(waiting?.runId);
    expect(waiting).toMatchObject({ stepId: 'sign-off', prompt: 'Ship the build?', approve: `tapps-agents workflow approve ${runId} sign-off` });
    first.child.kill('SIGKILL');
    await first.exited;

    const status = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as { status: string; stored_status: string };
    expect(status).toMatchObject({ status: 'interrupted', stored_status: 'waiting_approval' });
    const approve = await runCli(['workflow', 'approve', runId, 'sign-off', '--comment', 'ok'], { cwd: dir });
    expect(approve.stdout).toBe(`Step "sign-off" of run ${runId} approved.\nNo executor is running this run; continue it with: tapps-agents workflow resume ${runId}\n`);
    const again = await runCli(['workflow', 'reject', runId, 'sign-off'], { cwd: dir });
    expect(again.exitCode).toBe(3);
    expect(again.stderr).toMatch(/^error: Step "sign-off" of run .+ is already decided \(approved by .+ at .+\)\n$/);
    const notApproval = await runCli(['workflow', 'approve', runId, 'build'], { cwd: dir });
    expect(notApproval.stderr).toBe(`error: Step "build" of run ${runId} is not an approval step (it runs shell run)\n`);

    const resumed = await runCli(['workflow', 'resume', runId], { cwd: dir });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout.split('\n')[0]).toBe(`Run ${runId} resumed: gated (3 steps, transport inline)`);
    expect(await readFile(path.join(dir, 'shipped.txt'), 'utf8')).toBe('shipped\n');
    expect(await readFile(path.join(dir, 'build-count.txt'), 'utf8')).toBe('x\n');
  });

  it('workflow status during a run shows what is only in state.json\'s journal; at the end state.json alone has it all', async () => {
    const dir = await testdir({ 'wf.yaml': 'id: live\nsteps:\n  - { id: a, run: "true" }\n  - { id: b, run: "true" }\n  - { id: c, run: "touch c-started; while [ ! -f go ]; do sleep 0.05; done" }\n' });
    const run = startCli(['workflow', 'execute', '--workflow', 'wf.yaml', '--json'], { cwd: dir });
    await waitFor(() => existsSync(path.join(dir, 'c-started')), 'c to start');
    const runId = await runIdOf(dir);
    const runDir = path.join(dir, '.tapps-agents', 'workflow-state', runId);
    const live = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as { steps: Record<string, { status: string }> };
    expect([live.steps.a?.status, live.steps.b?.status]).toEqual(['succeeded', 'succeeded']);
    // state.json itself was written once at the start (every step pending); the completions are journal lines.
    const snapshot = JSON.parse(await readFile(path.join(runDir, 'state.json'), 'utf8')) as { steps: Record<string, { status: string }> };
    expect(snapshot.steps.a?.status).toBe('pending');
    expect(existsSync(path.join(runDir, 'state.journal.jsonl'))).toBe(true);
    await writeFile(path.join(dir, 'go'), '');
    expect((await run.exited).code).toBe(0);
    expect(existsSync(path.join(runDir, 'state.journal.jsonl'))).toBe(false);
    const final = JSON.parse(await readFile(path.join(runDir, 'state.json'), 'utf8')) as { status: string; steps: Record<string, { status: string }> };
    expect([final.status, ...Object.values(final.steps).map((step) => step.status)]).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });

  it('kill -9 of the executor mid-run, then resume: every finished step ran exactly once, same run id', async () => {
    const ids = ['s1', 's2', 's3', 's4', 's5', 's6'];
    // Each step appends to its own count file; s3 waits for a go file so the kill lands while it runs.
    const steps = ids.map((id) => `  - { id: ${id}, run: "echo run >> count-${id}.txt; ${id === 's3' ? 'while [ ! -f go ]; do sleep 0.05; done' : 'true'}" }`);
    const dir = await testdir({ 'wf.yaml': `id: crash\nsteps:\n${steps.join('\n')}\n` });
    const first = startCliWithEvents(['workflow', 'execute', '--workflow', 'wf.yaml', '--json'], dir);
    await waitFor(() => existsSync(path.join(dir, 'count-s3.txt')), 's3 to start');
    first.child.kill('SIGKILL');
    await first.exited;
    const runId = await runIdOf(dir);

    const before = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as { status: string; steps: Record<string, { status: string }> };
    expect(before.status).toBe('interrupted');
    const finishedBefore = ids.filter((id) => before.steps[id]?.status === 'succeeded');
    expect(finishedBefore).toEqual(['s1', 's2']);
    expect((await runCli(['workflow', 'list'], { cwd: dir })).stdout).toContain('interrupted');

    await readFile(path.join(dir, 'wf.yaml')); // the run resumes from its own copy even if the file changes
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'go'), '');
    const resumed = await runCli(['workflow', 'resume', runId], { cwd: dir });
    expect(resumed.exitCode).toBe(0);
    expect(await runIdOf(dir)).toBe(runId);
    const counts = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await readFile(path.join(dir, `count-${id}.txt`), 'utf8')).split('\n').filter(Boolean).length] as const)));
    // s3 was running when the executor died: it runs once more (at most one retry); all others exactly once.
    expect(counts).toEqual({ s1: 1, s2: 1, s3: 2, s4: 1, s5: 1, s6: 1 });
    const after = JSON.parse((await runCli(['workflow', 'status', runId, '--json'], { cwd: dir })).stdout) as { status: string; steps: Record<string, { attempt: number }> };
    expect(after.status).toBe('succeeded');
    expect(after.steps.s3?.attempt).toBe(1);
  });
});
