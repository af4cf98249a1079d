// Who may talk to the dashboard: the holder of its random token, through a Host the server answers to, from no
// foreign page. The token comes in the URL once (then an HttpOnly SameSite=Strict cookie), or in a header for
// scripts. A foreign Host header means DNS rebinding (a page on evil.example resolving to 127.0.0.1); a foreign
// Origin, or a cross-site fetch, means CSRF: both are refused before any route runs (docs/dashboard.md).

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/** The cookie holding the token after the first visit. */
export const TOKEN_COOKIE = 'tapps_dashboard_token';
/** The header scripts send the token in (`Authorization: Bearer <token>` works too). */
export const TOKEN_HEADER = 'x-tapps-token';

/** A fresh token: 32 random bytes, hex. */
export function newAccessToken(): string {
  return randomBytes(32).toString('hex');
}

/** What the guard checks against. */
export interface AccessPolicy {
  token: string;
  /** `host:port` values a request may name in its Host header (and http:// origins built from them). */
  allowedHosts: readonly string[];
}

/** The Host values a server bound to `host`:`port` answers to: the loopback names, and `host` itself. */
export function allowedHostsFor(host: string, port: number): string[] {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', host.includes(':') && !host.startsWith('[') ? `[${host}]` : host]);
  return [...names].map((name) => `${name}:${port}`);
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: header, bearer, cookie, or (first visit) the `token` query parameter. */
function tokenOf(header: (name: string) => string | undefined, cookie: string | undefined, query: string | undefined): { token: string | undefined; from: 'header' | 'cookie' | 'query' | 'none' } {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header('authorization') ?? '')?.[1];
  const fromHeader = header(TOKEN_HEADER) ?? bearer;
  if (fromHeader !== undefined) return { token: fromHeader, from: 'header' };
  if (cookie !== undefined) return { token: cookie, from: 'cookie' };
  if (query !== undefined) return { token: query, from: 'query' };
  return { token: undefined, from: 'none' };
}

/**
 * Refuses foreign hosts and origins (421/403) and requests without the token (401). A first visit with `?token=` sets
 * the cookie and redirects to the same page without the token, so it does not stay in the address bar or history.
 * Only `/assets/*` (the shipped script and style, no data) is served without the token.
 */
export function accessGuard(policy: AccessPolicy): MiddlewareHandler {
  const origins = new Set(policy.allowedHosts.map((host) => `http://${host}`));
  return async (c, next) => {
    const host = c.req.header('host');
    if (host === undefined || !policy.allowedHosts.includes(host.toLowerCase())) {
      return c.json({ error: { code: 'FORBIDDEN_HOST', message: `Host "${host ?? ''}" is not this dashboard; open the URL printed by "tapps-agents dashboard"` } }, 421);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !origins.has(origin.toLowerCase())) {
      return c.json({ error: { code: 'FORBIDDEN_ORIGIN', message: `Requests from ${origin} are refused: only the dashboard's own pages may call it` } }, 403);
    }
    if (c.req.header('sec-fetch-site') === 'cross-site') {
      return c.json({ error: { code: 'FORBIDDEN_ORIGIN', message: 'Cross-site requests are refused: only the dashboard\'s own pages may call it' } }, 403);
    }
    if (c.req.path.startsWith('/assets/')) return next();
    const given = tokenOf((name) => c.req.header(name), getCookie(c, TOKEN_COOKIE), c.req.query('token'));
    if (!sameToken(given.token, policy.token)) {
      const message = given.from === 'none' ? 'This dashboard needs its access token: open the URL printed by "tapps-agents dashboard"' : 'Wrong access token: open the URL printed by "tapps-agents dashboard"';
      return c.json({ error: { code: 'UNAUTHORIZED', message } }, 401);
    }
    // A state change by cookie must come from our own page: browsers send Origin on every POST.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && given.from === 'cookie' && origin === undefined) {
      return c.json({ error: { code: 'FORBIDDEN_ORIGIN', message: 'A change needs an Origin header (sent by browsers) or the token in a header' } }, 403);
    }
    if (given.from === 'query') {
      setCookie(c, TOKEN_COOKIE, policy.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    return next();
  };
}
