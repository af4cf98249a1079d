// Calls to the dashboard's JSON API (same origin: the token travels in the HttpOnly cookie set on the first visit).

export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    credentials: 'same-origin',
  });
  const data = (await response.json().catch(() => ({}))) as unknown;
  if (!response.ok) {
    // Errors come as { error: { code, message } } (a run's own `error` field is a string or null).
    const error = (data as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(error?.code ?? String(response.status), error?.message ?? `HTTP ${response.status}`);
  }
  return data as T;
}

export const get = <T>(path: string): Promise<T> => call<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => call<T>('POST', path, body ?? {});

/** `encodeURIComponent` for a path segment. */
export const seg = (text: string): string => encodeURIComponent(text);
