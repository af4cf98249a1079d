// The queue's Redis URL as it may be shown: the password replaced, so no message, log, status file or `config show`
// ever carries it (PRODUCT.md §10).

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`; a URL without a password is unchanged. */
export function maskRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: whatever sits between "//" and "@" may be a secret.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.toString();
}
