import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testdir } from '../../test/helpers/testdir.js';
import { createAuditLog } from './audit-log.js';
import { createMetricsStore } from './metrics-store.js';

// Each kind of secret, as it could appear in a command or an error, and the text that must not reach the disk.
const SECRETS: [kind: string, text: string, secret: string][] = [
  ['OpenAI-style key', 'curl -d key=1 sk-abcdefghijklmnopqrst', 'abcdefghijklmnopqrst'],
  ['GitHub token', 'git push https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com', 'ghp_abcdefghijklmnopqrstuvwxyz0123'],
  ['--api-key flag', '@analyst gather --api-key plainvalue123', 'plainvalue123'],
  ['--token flag', 'deploy --token "tok en 123"', 'tok en 123'],
  ['password assignment', 'connect password=hunter22', 'hunter22'],
  ['AWS access key id', 'aws s3 ls AKIAABCDEFGHIJKLMNOP', 'AKIAABCDEFGHIJKLMNOP'],
  ['AWS secret key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYab', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYab'],
  ['bearer header', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'eyJhbGciOiJIUzI1NiJ9'],
  ['PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretbody\n-----END RSA PRIVATE KEY-----', 'MIIEsecretbody'],
  ['value of a *_TOKEN variable', 'echo value-of-the-env-token-42', 'value-of-the-env-token-42'],
];

// Secret-named environment variables are read when a record is written.
beforeAll(() => {
  process.env.TEST_SERVICE_TOKEN = 'value-of-the-env-token-42';
});
afterAll(() => {
  delete process.env.TEST_SERVICE_TOKEN;
});

describe('secrets never reach the metrics or audit files', () => {
  it.each(SECRETS)('%s', async (_kind, text, secret) => {
    const root = await testdir();
    const metrics = createMetricsStore(root);
    await metrics.append({
      execution_id: 'r/s/1',
      workflow_id: 'wf',
      run_id: 'r',
      step_id: 's',
      agent: 'shell',
      action: 'run',
      command: text,
      status: 'failed',
      duration_ms: 1,
      retry_count: 0,
      started_at: '2026-11-24T10:00:00.000Z',
      completed_at: '2026-11-24T10:00:00.001Z',
      error_message: `failed: ${text}`,
      usage: null,
    });
    await createAuditLog(root).append({ event: 'command.written', details: { command: text, nested: { list: [text] } } });
    const written = [
      await readFile(path.join(metrics.dir, 'executions_2026-11-24.jsonl'), 'utf8'),
      await readFile(path.join(root, '.tapps-agents/audit/execution_audit.jsonl'), 'utf8'),
    ];
    for (const content of written) {
      expect(content).not.toContain(secret);
      expect(content).toContain('***REDACTED***');
    }
  });
});

// The root rule: one redaction for everything persisted, whatever the transport. Each secret below, written through
// each sink the product has, never reaches the file.
describe('one redaction for every persisted file', () => {
  const ENV_SECRETS: Record<string, string> = {
    PGPASSWORD: 'pg-pass-word-1',
    MYSQL_PWD: 'mysql-pass-22',
    DB_PASSWORD: 'db-pass-word-3',
    APP_SECRET: 'app-secret-444',
    CORP_CRED_ID: 'corp-cred-5555',
  };
  const MORE: [kind: string, text: string, secret: string][] = [
    ...Object.entries(ENV_SECRETS).map(([name, value]): [string, string, string] => [`value of ${name}`, `printed ${value} here`, value]),
    ['password inside DATABASE_URL', 'connecting to postgres://app:url-pass-66@db.local:5432/app', 'url-pass-66'],
    ['the DATABASE_URL password printed alone', 'the password is url-pass-66', 'url-pass-66'],
    ['a configured value pattern', 'license CORP-0123456789abcdef', 'CORP-0123456789abcdef'],
    ['a configured name as an assignment', 'corp_cred_id=zzz', 'zzz'],
  ];
  const saved = { ...process.env };
  beforeAll(async () => {
    Object.assign(process.env, ENV_SECRETS, { DATABASE_URL: 'postgres://app:url-pass-66@db.local:5432/app' });
    const { configureRedaction } = await import('../redaction/redact.js');
    configureRedaction({ secretNames: ['CORP_CRED_*'], patterns: ['CORP-[0-9a-f]{16}'] });
  });
  afterAll(async () => {
    for (const name of [...Object.keys(ENV_SECRETS), 'DATABASE_URL']) Reflect.deleteProperty(process.env, name);
    Object.assign(process.env, saved);
    const { configureRedaction } = await import('../redaction/redact.js');
    configureRedaction({ secretNames: [], patterns: [] });
  });

  type Sink = (root: string, text: string) => Promise<string[]>;
  const sinks: Record<string, Sink> = {
    'state.json and events.jsonl (inline transport or not)': async (root, text) => {
      const { RunStore } = await import('../workflow/run-store.js');
      const { runPaths } = await import('../protocol/run-paths.js');
      const store = new RunStore(root, {
        schemaVersion: 1, run_id: 'r1', workflow_id: 'w', workflow_name: 'w', workflow_file: '/w.yaml', status: 'running', executor: { pid: 1, host: 'h' },
        started_at: '', updated_at: '', completed_at: null, error: text, params: {}, auto_execution: false, transport: 'inline', gate_iterations: {},
        steps: { s: { name: 's', status: 'failed', attempt: 1, started_at: null, completed_at: null, step_dir: '/d', work_dir: '/d', outputs: { stdout: text }, artifacts: [], error: { message: text, code: 'FAILED', retryable: false } } },
      });
      await store.open();
      store.emit('step.failed', { stepId: 's', error: text, outputs: { stdout: text } });
      store.changed();
      await store.close();
      return [await readFile(runPaths(root, 'r1').state, 'utf8'), await readFile(runPaths(root, 'r1').events, 'utf8')];
    },
    'status file': async (root, text) => {
      const { writeStatusFile } = await import('../protocol/status-file.js');
      const file = path.join(root, '.tapps-agents', 'status.json');
      await writeStatusFile(file, { status: 'failed', correlation: {}, command: text, startedAt: '', runner: { id: 'x', pid: 1, host: 'h' }, error: { message: text, code: 'FAILED', retryable: false }, output: text });
      return [await readFile(file, 'utf8')];
    },
    'metrics and audit': async (root, text) => {
      const metrics = createMetricsStore(root);
      await metrics.append({ execution_id: 'r/s/1', workflow_id: 'wf', run_id: 'r', step_id: 's', agent: 'shell', action: 'run', command: text, status: 'failed', duration_ms: 1, retry_count: 0, started_at: '2026-11-24T10:00:00.000Z', completed_at: '2026-11-24T10:00:00.001Z', error_message: text, usage: null });
      await createAuditLog(root).append({ event: 'command.written', details: { command: text } });
      return [await readFile(path.join(metrics.dir, 'executions_2026-11-24.jsonl'), 'utf8'), await readFile(path.join(root, '.tapps-agents/audit/execution_audit.jsonl'), 'utf8')];
    },
  };
  for (const [sink, write] of Object.entries(sinks)) {
    it.each(MORE)(`${sink}: %s`, async (_kind, text, secret) => {
      for (const content of await write(await testdir(), text)) {
        expect(content).not.toContain(secret);
        expect(content).toContain('***REDACTED***');
      }
    });
  }
});
