import { describe, expect, it } from 'vitest';
import { redactSecrets, redactValue, secretValuesFromEnv } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['@analyst gather --api_key sk-abcdefghijklmnop', '@analyst gather --api_key ***REDACTED***'],
    ['key sk-abcdefghijklmnopqrst here', 'key sk-***REDACTED*** here'],
    ['--token "abc def ghi"', '--token ***REDACTED***'],
    ['--password=hunter22', '--password=***REDACTED***'],
    ['api_key=abc123456', 'api_key=***REDACTED***'],
    ['OPENAI_API_KEY: "xyz987654"', 'OPENAI_API_KEY: ***REDACTED***'],
    ['aws AKIAABCDEFGHIJKLMNOP', 'aws ***REDACTED***'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYab', 'aws_secret_access_key = ***REDACTED***'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'Authorization: Bearer ***REDACTED***'],
    ['token ghp_abcdefghijklmnopqrstuvwxyz0123', 'token ***REDACTED***'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----***REDACTED***-----END PRIVATE KEY-----'],
  ])('redacts %j', (input, expected) => {
    expect(redactSecrets(input, [])).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    const text = '@reviewer review-code --target-file src/main.ts --max-tokens 400';
    expect(redactSecrets(text, [])).toBe(text);
  });

  it('redacts the values of secret-named environment variables wherever they appear', () => {
    const secrets = secretValuesFromEnv({ MY_SERVICE_TOKEN: 'tok-0123456789', HOME: '/root', SHORT_KEY: 'abc' });
    expect(secrets).toEqual(['tok-0123456789']);
    expect(redactSecrets('curl -H tok-0123456789 /root', secrets)).toBe('curl -H ***REDACTED*** /root');
  });

  it('redacts strings nested in objects and arrays without changing the input', () => {
    const input = { command: 'x --api-key abcdefgh', list: ['password=secret1'], n: 3 };
    expect(redactValue(input, [])).toEqual({ command: 'x --api-key ***REDACTED***', list: ['password=***REDACTED***'], n: 3 });
    expect(input.command).toBe('x --api-key abcdefgh');
  });
});
