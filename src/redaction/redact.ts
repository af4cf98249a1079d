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
  // The password of a URL: postgres://user:pw@host/db (DATABASE_URL, REDIS_URL, git remotes with a token).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)([^\s@/?#]+)@/gi, (_m, head: string) => `${head}${REDACTION_MASK}@`],
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

/**
 * Names of environment variables whose values are secrets, whatever they look like (`*` matches any characters,
 * case is ignored). Documented in docs/reliability.md; `redaction.secret_names` in .tapps-agents/config.yaml adds more.
 */
export const SECRET_NAMES: readonly string[] = [
  '*_KEY',
  '*_TOKEN',
  '*_SECRET',
  '*PASSWORD',
  '*_PASSWD',
  '*_PWD',
  '*_PASS',
  '*_CREDENTIAL',
  '*_CREDENTIALS',
  'TOKEN',
  'SECRET',
  'PGPASSWORD',
  'MYSQL_PWD',
];

/** What the project's configuration adds (`redaction:` in .tapps-agents/config.yaml). */
export interface RedactionSettings {
  /** More secret variable names, as globs like SECRET_NAMES. */
  secretNames: readonly string[];
  /** More value patterns (regular expressions): every match is replaced. */
  patterns: readonly string[];
}

let secretName = namesRegExp(SECRET_NAMES);
let extraPatterns: readonly RegExp[] = [];
/** `NAME=value` / `NAME: value` for the configured names (the built-in ones are in PATTERNS). */
let extraAssignment: RegExp | undefined;

/** A name glob as a regular expression source: `*` is any run of name characters. */
function globSource(glob: string): string {
  return glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[A-Za-z0-9_]*');
}

function namesRegExp(globs: readonly string[]): RegExp {
  return new RegExp(`^(?:${globs.map(globSource).join('|')})$`, 'i');
}

/**
 * Adds the project's names and patterns to the one redaction every persisted text goes through (called once the
 * configuration is known, see create-observer.ts). Calling it again replaces what an earlier call added.
 */
export function configureRedaction(settings: RedactionSettings): void {
  secretName = namesRegExp([...SECRET_NAMES, ...settings.secretNames]);
  extraPatterns = settings.patterns.map((pattern) => new RegExp(pattern, 'g'));
  const names = settings.secretNames.map(globSource);
  extraAssignment = names.length === 0 ? undefined : new RegExp(`\\b((?:${names.join('|')})["']?\\s*[=:]\\s*)("[^"]*"|'[^']*'|[^\\s,;"'}]+)`, 'gi');
  processSecretValues = undefined;
  memo.clear();
}

/** True when an environment variable named `name` holds a secret. */
export function isSecretName(name: string): boolean {
  return secretName.test(name);
}

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

const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:([^\s@/?#]+)@/gi;

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function secretValuesOf(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .flatMap(([name, value]) => {
      if (value === undefined) return [];
      if (isSecretName(name)) return value.length >= 6 ? [value] : [];
      // DATABASE_URL=postgres://user:pw@host/db: the password is a secret wherever it appears, even alone.
      return [...value.matchAll(URL_PASSWORD)].map((match) => decodeURIComponentSafe(match[1] as string)).filter((password) => password.length >= 6);
    })
    .sort((a, b) => b.length - a.length);
}

/**
 * What redactSecrets returned for texts it saw before, with this process's secret values (the default). A run redacts
 * the same few strings over and over (its run id, workflow id, step names, statuses, the command of each step): ~60
 * strings per step, 9 in 10 of them seen before. Emptied when the configuration or the secret values change; a long
 * text is not kept, and the oldest entry makes room for a new one.
 */
const memo = new Map<string, string>();
let memoFor: readonly string[] | undefined;
const MEMO_MAX_ENTRIES = 4096;
const MEMO_MAX_CHARS = 512;

/**
 * Replaces secrets in `text` with `***REDACTED***`: recognisable key shapes, secret-named flags and assignments, and
 * the literal values of secret-named environment variables.
 */
export function redactSecrets(text: string, secretValues: readonly string[] = secretValuesFromEnv()): string {
  if (secretValues !== processSecretValues || text.length > MEMO_MAX_CHARS) return scanSecrets(text, secretValues);
  if (memoFor !== secretValues) {
    memo.clear();
    memoFor = secretValues;
  }
  let result = memo.get(text);
  if (result === undefined) {
    result = scanSecrets(text, secretValues);
    if (memo.size >= MEMO_MAX_ENTRIES) memo.delete(memo.keys().next().value as string);
    memo.set(text, result);
  }
  return result;
}

function scanSecrets(text: string, secretValues: readonly string[]): string {
  let result = text;
  for (const value of secretValues) result = result.split(value).join(REDACTION_MASK);
  for (const [pattern, replacement] of PATTERNS) {
    result = typeof replacement === 'string' ? result.replace(pattern, replacement) : result.replace(pattern, replacement);
  }
  if (extraAssignment !== undefined) result = result.replace(extraAssignment, (_m, head: string) => `${head}${REDACTION_MASK}`);
  for (const pattern of extraPatterns) result = result.replace(pattern, REDACTION_MASK);
  return result;
}

/**
 * Redacts a set of environment variables: every value whose name says it is a secret (`*_TOKEN`, `*_PASSWORD`, …)
 * whatever it looks like, and known secret shapes in the others.
 */
export function redactEnvironment(env: Readonly<Record<string, string>>, secretValues: readonly string[] = secretValuesFromEnv()): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, isSecretName(name) ? REDACTION_MASK : redactSecrets(value, secretValues)]));
}

/** Redacts every string inside a JSON-like value (objects and arrays are copied, not changed in place). */
export function redactValue<T>(value: T, secretValues: readonly string[] = secretValuesFromEnv()): T {
  if (typeof value === 'string') return redactSecrets(value, secretValues) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = redactValue(value[index], secretValues);
    return copy as T;
  }
  // Own enumerable string keys, as Object.entries gives them; "__proto__" stays a plain key (as Object.fromEntries makes it).
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = redactValue((value as Record<string, unknown>)[key], secretValues);
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}
