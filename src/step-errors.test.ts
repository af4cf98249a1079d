import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStepErrorCode, STEP_ERRORS, stepError, timeoutError } from './step-errors.js';

describe('step error catalogue', () => {
  it('docs/cli.md lists exactly the codes of the catalogue, with their retry decision', () => {
    const docs = readFileSync(path.resolve(import.meta.dirname, '..', 'docs', 'cli.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Step error codes'), docs.indexOf('## Commands'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (yes|no) \|/gm)].map((match) => [match[1], match[2] === 'yes']);
    expect(rows).toEqual(Object.entries(STEP_ERRORS).map(([code, kind]) => [code, kind.retryable]));
  });

  it('builds errors with the default retry decision unless told otherwise', () => {
    expect(stepError('TIMEOUT', 'late')).toEqual({ code: 'TIMEOUT', message: 'late', retryable: true });
    expect(stepError('PROVIDER_ERROR', '401', false)).toEqual({ code: 'PROVIDER_ERROR', message: '401', retryable: false });
    expect(timeoutError('Step', 90_000)).toEqual({ code: 'TIMEOUT', message: 'Step did not finish within 1.5m; its process group was killed', retryable: true });
  });

  it('knows its own codes only (no prototype keys)', () => {
    expect(isStepErrorCode('ARTIFACT_MISSING')).toBe(true);
    expect(isStepErrorCode('ARTIFACTS_MISSING')).toBe(false);
    expect(isStepErrorCode('toString')).toBe(false);
    expect(isStepErrorCode(undefined)).toBe(false);
  });
});

describe('library error catalogue', () => {
  it('docs/cli.md lists exactly the codes of ERRORS, with their exit codes', async () => {
    const { ERRORS } = await import('./errors.js');
    const { exitCodeFor } = await import('./cli/exit-codes.js');
    const docs = readFileSync(path.resolve(import.meta.dirname, '..', 'docs', 'cli.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Error codes'), docs.indexOf('## Step error codes'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (\d+) \|/gm)].map((match) => [match[1], Number(match[2])]);
    expect(rows).toEqual(Object.keys(ERRORS).map((code) => [code, exitCodeFor(code as keyof typeof ERRORS)]));
  });
});
