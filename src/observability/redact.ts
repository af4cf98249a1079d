// Secret redaction for everything written for people or kept on disk: audit, metrics, command and instruction files.

/** What a redacted secret is replaced with. */
export const REDACTION_MASK = '***REDACTED***';

/** Patterns for secrets that can be recognised by their shape or by the name in front of them. */
const PATTERNS: readonly [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  // PEM private key blocks.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, `-----BEGIN PRIVATE KEY-----${REDACTION_MASK}-----END PRIVATE KEY-----`],
  // Provider keys by prefix: OpenAI/Anthropic "sk-…", "pk-…", GitHub tokens, Slack tokens.
  [/\b(sk|pk)-[A-Za-z0-9_-]{10,}/g, (_m, prefix: string) => `${prefix}-${REDACTION_MASK}`],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTION_MASK],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTION_MASK],
  // AWS access key ids and secret keys.
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTION_MASK],
  [/(aws_secret_access_key\s*[=:]\s*)["']?[A-Za-z0-9/+=]{40}["']?/gi, (_m, head: string) => `${head}${REDACTION_MASK}`],
  // Bearer / Basic authorization headers.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, (_m, scheme: string) => `${scheme} ${REDACTION_MASK}`],
  // Flags: --api-key X, --api_key=X, --token X, --password X, --secret X.
  [/(--(?:api[_-]?key|token|auth|password|passwd|pwd|secret|access[_-]?token)(?:=|\s+))("[^"]*"|'[^']*'|\S+)/gi, (_m, head: string) => `${head}${REDACTION_MASK}`],
  // key=value and key: value for secret-looking names (api_key, password, token, secret, *_KEY, *_TOKEN, *_SECRET).
  [
    /\b([A-Za-z0-9_]*(?:api[_-]?key|apikey|password|passwd|pwd|secret|token|_key)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;"'}]+)/gi,
    (_m, head: string) => `${head}${REDACTION_MASK}`,
  ],
];

/** Names of environment variables whose values are secrets. */
const SECRET_ENV_NAME = /(_KEY|_TOKEN|_SECRET|_PASSWORD|_PASSWD|_CREDENTIALS?|^PASSWORD|^TOKEN|^SECRET)$/i;

/**
 * This process's secret values, read once: tapps-agents never changes its own environment, and reading process.env
 * (a native object) for every redacted line cost ~0.7 ms per workflow step.
 */
let processSecretValues: readonly string[] | undefined;

/** The values of secret-named environment variables (at least 6 characters, so short values do not mask common words). */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  if (env === process.env) return (processSecretValues ??= secretValuesOf(env));
  return secretValuesOf(env);
}

function secretValuesOf(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_ENV_NAME.test(name) && value !== undefined && value.length >= 6)
    .map(([, value]) => value as string)
    .sort((a, b) => b.length - a.length);
}

/**
 * Replaces secrets in `text` with `***REDACTED***`: recognisable key shapes, secret-named flags and assignments, and
 * the literal values of secret-named environment variables.
 */
export function redactSecrets(text: string, secretValues: readonly string[] = secretValuesFromEnv()): string {
  let result = text;
  for (const value of secretValues) result = result.split(value).join(REDACTION_MASK);
  for (const [pattern, replacement] of PATTERNS) {
    result = typeof replacement === 'string' ? result.replace(pattern, replacement) : result.replace(pattern, replacement);
  }
  return result;
}

/**
 * Redacts a set of environment variables: every value whose name says it is a secret (`*_TOKEN`, `*_PASSWORD`, …)
 * whatever it looks like, and known secret shapes in the others.
 */
export function redactEnvironment(env: Readonly<Record<string, string>>, secretValues: readonly string[] = secretValuesFromEnv()): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, SECRET_ENV_NAME.test(name) ? REDACTION_MASK : redactSecrets(value, secretValues)]));
}

/** Redacts every string inside a JSON-like value (objects and arrays are copied, not changed in place). */
export function redactValue<T>(value: T, secretValues: readonly string[] = secretValuesFromEnv()): T {
  if (typeof value === 'string') return redactSecrets(value, secretValues) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, secretValues)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, secretValues)])) as T;
  }
  return value;
}
