import { describe, expect, it } from 'vitest';
import { formatCommandFile, parseCommandFile, parseOwnCommandFile, type CommandFileInput } from './command-file.js';

const correlation = { workflow_id: 'wf', run_id: 'run-1', step_id: 'a', attempt: 1, created_at: '2026-01-01T00:00:00.000Z', expected_artifacts: ['out.md'] };

describe('command files', () => {
  it('round-trips what the executor writes', () => {
    const environment = { GREETING: 'hello', TAPPS_RUN_ID: 'run-1' };
    const text = formatCommandFile({ invocation: { agent: 'shell', action: 'run', params: { script: 'echo "hi there"' } }, correlation, worktreePath: '/p/step', instructions: 'do it', timeoutMs: 5000, inputs: {}, environment });
    expect(parseCommandFile(text)).toEqual({
      ok: true,
      value: { form: 'v2', command: '@shell run --script "echo \\"hi there\\""', redactionApplied: false, correlation, worktreePath: '/p/step', instructions: 'do it', timeoutMs: 5000, inputs: {}, environment },
    });
  });

  it('carries the attempt span\'s W3C traceparent, and drops a malformed one instead of refusing the step', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const input = { invocation: { agent: 'shell', action: 'run', params: {} }, correlation, worktreePath: '/p', instructions: '', timeoutMs: 1, inputs: {} };
    expect(parseCommandFile(formatCommandFile({ ...input, traceparent }))).toMatchObject({ ok: true, value: { traceparent } });
    expect(formatCommandFile(input)).not.toContain('traceparent');
    for (const bad of ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331', '00-00000000000000000000000000000000-b7ad6b7169203331-01', 'not a traceparent', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01']) {
      const text = JSON.stringify({ ...JSON.parse(formatCommandFile(input)), traceparent: bad });
      const parsed = parseCommandFile(text);
      expect(parsed.ok).toBe(true);
      expect(parsed.ok && parsed.value.traceparent).toBeUndefined();
    }
  });

  it('round-trips the run context (workflow, run params, files of dependencies) with run params redacted', () => {
    const context = {
      workflow: { name: 'Shop', description: 'plants' },
      params: { spec: 'docs/spec.md', token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
      files: [{ path: 'requirements.md', step: 'req', role: 'wrote' as const }],
      budgetChars: 5000,
      recordDir: '/p/.tapps-agents/workflow-state/r/steps/a',
      overwrite: false,
      location: 'wf.yaml:7',
    };
    const text = formatCommandFile({ invocation: { agent: 'architect', action: 'design-system', params: {} }, correlation, worktreePath: '/p', instructions: '', timeoutMs: 1, inputs: {}, context });
    expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(text).toContain('"budget_chars": 5000');
    expect(parseCommandFile(text)).toMatchObject({ ok: true, value: { context: { ...context, params: { spec: 'docs/spec.md', token: '***REDACTED***' } } } });
  });

  it("redacts secrets in the step's environment, by shape and by name, and marks the file so", () => {
    const environment = { GH: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', DB_PASSWORD: 'hunter2pass', API_TOKEN: 'abcdef123456', PLAIN: 'x' };
    const text = formatCommandFile({ invocation: { agent: 'shell', action: 'run', params: { script: 'true' } }, correlation, worktreePath: '/p', instructions: '', timeoutMs: 1, inputs: {}, environment });
    for (const secret of ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'hunter2pass', 'abcdef123456']) expect(text).not.toContain(secret);
    expect(parseCommandFile(text)).toMatchObject({ ok: true, value: { redactionApplied: true, environment: { GH: '***REDACTED***', DB_PASSWORD: '***REDACTED***', API_TOKEN: '***REDACTED***', PLAIN: 'x' } } });
  });

  it('never writes a secret: the command is redacted and marked so', () => {
    const text = formatCommandFile({ invocation: { agent: 'analyst', action: 'gather-requirements', params: { api_key: 'sk-abcdefghijklmnopqrst' } }, correlation, worktreePath: '/p', instructions: '', timeoutMs: 1, inputs: {} });
    expect(text).not.toContain('sk-abcdefghijklmnopqrst');
    expect(parseCommandFile(text)).toMatchObject({ ok: true, value: { redactionApplied: true } });
  });

  it("reads the original's JSON form (no run id or attempt) and its older top-level ids", () => {
    expect(
      parseCommandFile(JSON.stringify({ command: '@analyst gather-requirements', correlation: { workflow_id: 'w', step_id: 's', created_at: '2025-12-28T10:15:00.061120', expected_artifacts: ['requirements.md'] }, worktree_path: '/abs', instructions: '...', note: 'n' })),
    ).toMatchObject({ ok: true, value: { form: 'original', correlation: { workflow_id: 'w', step_id: 's', expected_artifacts: ['requirements.md'] }, worktreePath: '/abs' } });
    expect(parseCommandFile(JSON.stringify({ command: '@a b', workflow_id: 'w', step_id: 's' }))).toMatchObject({ ok: true, value: { correlation: { workflow_id: 'w', step_id: 's', expected_artifacts: [] } } });
  });

  it('reads a plain one-line command and rejects what it cannot use', () => {
    expect(parseCommandFile('@reviewer review-code --file src/app.ts\n')).toMatchObject({ ok: true, value: { form: 'plain', command: '@reviewer review-code --file src/app.ts' } });
    expect(parseCommandFile('')).toEqual({ ok: false, reason: 'the command file is empty' });
    expect(parseCommandFile('@a b\n@c d')).toEqual({ ok: false, reason: 'a plain command file must hold exactly one line' });
    expect(parseCommandFile('{"command": ')).toMatchObject({ ok: false });
  });
});

describe('formatCommandFile redaction', () => {
  it('redacts secrets in the instructions and inputs as well as the command', () => {
    const secret = 'sk-live-ParamKey0123456789abcdefABCDEF';
    const text = formatCommandFile({
      invocation: { agent: 'shell', action: 'run', params: { script: `tool --api-key ${secret}` } },
      correlation: { workflow_id: 'wf', run_id: 'r', step_id: 's', attempt: 1, created_at: '2026-01-01T00:00:00.000Z', expected_artifacts: [] },
      worktreePath: '/tmp/x',
      instructions: `Run: tool --api-key ${secret}`,
      timeoutMs: 1000,
      inputs: { note: `--api-key ${secret}` },
    });
    expect(text).not.toContain(secret);
  });
});

describe('parseOwnCommandFile (the embedded runner\'s handover)', () => {
  it('gives exactly what the validating parse gives for what formatCommandFile wrote', () => {
    const inputs: CommandFileInput[] = [
      { invocation: { agent: 'analyst', action: 'check-prerequisites', params: { env: ['HOME'] } }, correlation, worktreePath: '/p/step', instructions: 'do it', timeoutMs: 5000, inputs: {} },
      {
        invocation: { agent: 'shell', action: 'run', params: { script: 'tool --api-key sk-abcdefghijklmnopqrst' } },
        correlation: { ...correlation, expected_artifacts: [] },
        worktreePath: '/p',
        instructions: 'x',
        timeoutMs: 1,
        engine: 'claude-code',
        inputs: { 'a.md': '/p/a.md' },
        environment: { TAPPS_RUN_ID: 'run-1', DB_PASSWORD: 'hunter2pass' },
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        context: {
          workflow: { name: 'Shop', description: 'plants' },
          params: { token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
          files: [{ path: 'requirements.md', step: 'req', role: 'wrote' }],
          budgetChars: 5000,
          recordDir: '/p/rec',
          overwrite: true,
          location: 'wf.yaml:7',
          summary: { workflow_id: 'wf', run_id: 'run-1', steps: [{ step_id: 'req', agent: 'analyst', action: 'gather', status: 'success', attempts: 1, outputs: { n: 1 } }] },
        },
      },
    ];
    for (const input of inputs) {
      const text = formatCommandFile(input);
      expect(parseOwnCommandFile(text)).toEqual(parseCommandFile(text));
    }
  });

  it('validates text of another version, or without a command, as any file read from disk', () => {
    for (const text of ['@a b\n', '', '{"command": ', JSON.stringify({ version: '2.0', command: 7 }), JSON.stringify({ version: '1.0', command: '@a b', timeout_ms: -1 }), JSON.stringify({ command: '@a b', workflow_id: 'w' })]) {
      expect(parseOwnCommandFile(text)).toEqual(parseCommandFile(text));
    }
  });
});
