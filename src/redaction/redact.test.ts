import { afterEach, describe, expect, it } from 'vitest';
import { configureRedaction, redactSecrets, redactValue, secretValuesFromEnv } from './redact.js';

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
    ['DATABASE_URL=postgres://app:s3cr3t@db/app', 'DATABASE_URL=postgres://app:***REDACTED***@db/app'],
    ['git clone https://bot:abcdef@github.com/o/r', 'git clone https://bot:***REDACTED***@github.com/o/r'],
    ['PGPASSWORD=hunter22 psql', 'PGPASSWORD=***REDACTED*** psql'],
    ['MYSQL_PWD=hunter22 mysql', 'MYSQL_PWD=***REDACTED*** mysql'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----***REDACTED***-----END PRIVATE KEY-----'],
  ])('redacts %j', (input, expected) => {
    expect(redactSecrets(input, [])).toBe(expected);
  });

  it.each(['PGPASSWORD', 'MYSQL_PWD', 'DB_PASSWORD', 'GITHUB_TOKEN', 'APP_SECRET', 'OPENAI_API_KEY', 'SMTP_PASS', 'GCP_CREDENTIALS'])('treats the value of %s as a secret', (name) => {
    expect(secretValuesFromEnv({ [name]: 'whatever-it-is' })).toEqual(['whatever-it-is']);
  });

  it('treats the password of a URL in any variable as a secret', () => {
    expect(secretValuesFromEnv({ DATABASE_URL: 'postgres://u:p%40ss-word@h/db', HOME: '/root' })).toEqual(['p@ss-word']);
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

  it('keeps a "__proto__" key as a plain key of the copy, and copies nested arrays and objects', () => {
    const input = JSON.parse('{"__proto__": {"token": "token=abcdef1"}, "list": [{"a": "b"}]}') as Record<string, unknown>;
    const copy = redactValue(input, []);
    expect(Object.keys(copy)).toEqual(['__proto__', 'list']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ token: 'token=***REDACTED***' });
    expect(copy.list).toEqual([{ a: 'b' }]);
    expect(copy.list).not.toBe(input.list);
  });
});

describe('redactSecrets with the process\'s secrets (remembered results)', () => {
  afterEach(() => configureRedaction({ secretNames: [], patterns: [] }));

  it('gives the same answer for a text it has seen, and forgets it when the configuration changes', () => {
    const text = 'build CORP-0123456789abcdef for run-1';
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets(text)).toBe(text);
    configureRedaction({ secretNames: [], patterns: ['CORP-[0-9a-f]{16}'] });
    expect(redactSecrets(text)).toBe('build ***REDACTED*** for run-1');
    expect(redactValue({ ids: [text] })).toEqual({ ids: ['build ***REDACTED*** for run-1'] });
    configureRedaction({ secretNames: [], patterns: [] });
    expect(redactSecrets(text)).toBe(text);
  });

  it('forgets what it remembered when the secret values of the environment change', () => {
    const text = 'connect with value-of-corp-cred-77';
    expect(redactSecrets(text)).toBe(text);
    process.env.CORP_CRED_MAIN = 'value-of-corp-cred-77';
    try {
      configureRedaction({ secretNames: ['CORP_CRED_*'], patterns: [] });
      expect(redactSecrets(text)).toBe('connect with ***REDACTED***');
    } finally {
      delete process.env.CORP_CRED_MAIN;
    }
    configureRedaction({ secretNames: [], patterns: [] });
    expect(redactSecrets(text)).toBe(text);
  });

  it('redacts long texts and many distinct texts as it does short ones', () => {
    const long = `${'x'.repeat(2000)} --token abcdefgh`;
    expect(redactSecrets(long)).toBe(`${'x'.repeat(2000)} --token ***REDACTED***`);
    for (let index = 0; index < 5000; index++) expect(redactSecrets(`step s${index} api_key=k${index}xyz`)).toBe(`step s${index} api_key=***REDACTED***`);
    expect(redactSecrets('step s0 api_key=k0xyz')).toBe('step s0 api_key=***REDACTED***');
  });
});

