// Where an API engine sends its requests. A base_url in .tapps-agents/config.yaml wins; otherwise the variable each
// provider's own tools read (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST) is honoured, in that tool's own form,
// so a shell set up for the OpenAI SDK, Claude Code or the ollama CLI points tapps-agents at the same place.

import type { EngineSpec } from './engine-spec.js';

/** The variables honoured, and the form each takes (as the provider's own SDK or CLI reads it). */
export const ENDPOINT_VARIABLES = {
  /** The OpenAI SDKs' form: the API root including /v1 (https://api.openai.com/v1). */
  OPENAI_BASE_URL: 'openai',
  /** The Anthropic SDKs' and Claude Code's form: the origin without /v1 (https://api.anthropic.com); /v1 is added. */
  ANTHROPIC_BASE_URL: 'anthropic',
  /** The ollama CLI's form: host, host:port or a URL (default scheme http, port 11434); /v1 is added. */
  OLLAMA_HOST: 'ollama',
} as const satisfies Record<EndpointVariable, string>;

/** A variable that can say where an engine's requests go. */
export type EndpointVariable = NonNullable<EngineSpec['baseUrlEnv']>;

/** Where requests go when neither the configuration nor a variable says. */
const DEFAULT_BASE_URLS = { 'openai-compatible': 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com/v1' } as const;

/** The base URL an engine calls, and what chose it (for messages and debug logs). */
export type Endpoint = { ok: true; baseUrl: string; from: string } | { ok: false; problem: string };

/** The base URL for `spec` in the environment `env` (a set but empty variable counts as unset). */
export function resolveEndpoint(spec: Pick<EngineSpec, 'name' | 'provider' | 'baseUrl' | 'baseUrlEnv'>, env: NodeJS.ProcessEnv): Endpoint {
  const variable = spec.baseUrlEnv;
  const value = variable === undefined ? undefined : env[variable]?.trim();
  if (variable !== undefined && value !== undefined && value !== '') {
    const baseUrl = fromVariable(variable, value);
    if (baseUrl === undefined) return { ok: false, problem: `${variable}=${JSON.stringify(value)} is not ${describeForm(variable)}` };
    return { ok: true, baseUrl, from: variable };
  }
  if (spec.baseUrl !== undefined) return { ok: true, baseUrl: withoutTrailingSlash(spec.baseUrl), from: `the engine "${spec.name}"` };
  const fallback = spec.provider === 'anthropic' ? DEFAULT_BASE_URLS.anthropic : DEFAULT_BASE_URLS['openai-compatible'];
  return { ok: true, baseUrl: fallback, from: 'the default' };
}

function fromVariable(variable: EndpointVariable, value: string): string | undefined {
  switch (ENDPOINT_VARIABLES[variable]) {
    case 'openai':
      return httpUrl(value, undefined);
    case 'anthropic':
      return withV1(httpUrl(value, undefined));
    case 'ollama':
      // ollama accepts a bare host or host:port; a scheme-less value is http, a missing port 11434 (443 for https).
      return withV1(httpUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`, '11434'));
  }
}

/** `value` as an http(s) URL without a trailing slash; `defaultPort` fills a missing port of an http URL. */
function httpUrl(value: string, defaultPort: string | undefined): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.search !== '' || url.hash !== '') return undefined;
  // URL drops an explicit default port (http://host:80), so the port is looked for in the text itself.
  const authority = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] ?? '';
  if (defaultPort !== undefined && url.protocol === 'http:' && !/:\d+$/.test(authority)) url.port = defaultPort;
  return withoutTrailingSlash(url.toString());
}

function withV1(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return /\/v1$/.test(url) ? url : `${url}/v1`;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function describeForm(variable: EndpointVariable): string {
  switch (ENDPOINT_VARIABLES[variable]) {
    case 'openai':
      return 'an http(s) URL such as https://api.openai.com/v1';
    case 'anthropic':
      return 'an http(s) URL such as https://api.anthropic.com';
    case 'ollama':
      return 'a host, host:port or http(s) URL such as 127.0.0.1:11434';
  }
}
