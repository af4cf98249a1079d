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
