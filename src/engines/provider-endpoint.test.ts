import { describe, expect, it } from 'vitest';
import { ENGINE_PRESETS, engineSpecNamed, type EngineSpec } from './engine-spec.js';
import { resolveEndpoint } from './provider-endpoint.js';
import type { ResolvedConfig } from '../config/resolve.js';

const preset = (name: string): EngineSpec => ENGINE_PRESETS[name] as EngineSpec;
const baseUrl = (spec: EngineSpec, env: NodeJS.ProcessEnv) => resolveEndpoint(spec, env);

describe('resolveEndpoint', () => {
  it('uses each preset\'s default when its variable is unset or empty', () => {
    expect(baseUrl(preset('openai'), {})).toEqual({ ok: true, baseUrl: 'https://api.openai.com/v1', from: 'the engine "openai"' });
    expect(baseUrl(preset('anthropic'), { ANTHROPIC_BASE_URL: '' })).toEqual({ ok: true, baseUrl: 'https://api.anthropic.com/v1', from: 'the engine "anthropic"' });
    expect(baseUrl(preset('ollama'), { OLLAMA_HOST: '  ' })).toEqual({ ok: true, baseUrl: 'http://127.0.0.1:11434/v1', from: 'the engine "ollama"' });
  });

  it('OPENAI_BASE_URL is taken as the OpenAI SDKs take it: the API root, /v1 included', () => {
    expect(baseUrl(preset('openai'), { OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1/' })).toEqual({ ok: true, baseUrl: 'http://127.0.0.1:9000/v1', from: 'OPENAI_BASE_URL' });
    expect(baseUrl(preset('openai'), { OPENAI_BASE_URL: 'https://proxy.example/openai' })).toMatchObject({ baseUrl: 'https://proxy.example/openai' });
  });

  it('ANTHROPIC_BASE_URL is the origin, as Claude Code and the Anthropic SDKs take it; /v1 is added once', () => {
    expect(baseUrl(preset('anthropic'), { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9000' })).toEqual({ ok: true, baseUrl: 'http://127.0.0.1:9000/v1', from: 'ANTHROPIC_BASE_URL' });
    expect(baseUrl(preset('anthropic'), { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9000/v1' })).toMatchObject({ baseUrl: 'http://127.0.0.1:9000/v1' });
    expect(baseUrl(preset('anthropic'), { ANTHROPIC_BASE_URL: 'https://gw.example/anthropic/' })).toMatchObject({ baseUrl: 'https://gw.example/anthropic/v1' });
  });

  it('OLLAMA_HOST takes the ollama CLI\'s forms: host, host:port, URL; http and port 11434 by default', () => {
    const of = (value: string) => (baseUrl(preset('ollama'), { OLLAMA_HOST: value }) as { baseUrl: string }).baseUrl;
    expect(of('gpu-box')).toBe('http://gpu-box:11434/v1');
    expect(of('gpu-box:8080')).toBe('http://gpu-box:8080/v1');
    expect(of('0.0.0.0')).toBe('http://0.0.0.0:11434/v1');
    expect(of('http://gpu-box')).toBe('http://gpu-box:11434/v1');
    expect(of('http://gpu-box:80')).toBe('http://gpu-box/v1');
    expect(of('https://ollama.example')).toBe('https://ollama.example/v1');
    expect(of('[::1]:11500')).toBe('http://[::1]:11500/v1');
    expect(of('http://127.0.0.1:11434/v1')).toBe('http://127.0.0.1:11434/v1');
  });

  it('a value that is not a URL of that form is a problem naming the variable and the form', () => {
    expect(baseUrl(preset('openai'), { OPENAI_BASE_URL: 'api.openai.com' })).toEqual({ ok: false, problem: 'OPENAI_BASE_URL="api.openai.com" is not an http(s) URL such as https://api.openai.com/v1' });
    expect(baseUrl(preset('anthropic'), { ANTHROPIC_BASE_URL: 'ftp://host' })).toEqual({ ok: false, problem: 'ANTHROPIC_BASE_URL="ftp://host" is not an http(s) URL such as https://api.anthropic.com' });
    expect(baseUrl(preset('ollama'), { OLLAMA_HOST: 'http://host:port' })).toEqual({ ok: false, problem: 'OLLAMA_HOST="http://host:port" is not a host, host:port or http(s) URL such as 127.0.0.1:11434' });
  });

  it('a base_url in the project configuration wins over the variable; without one the provider\'s variable applies', () => {
    const config = {
      engines: {
        pinned: { provider: 'openai-compatible', base_url: 'http://10.0.0.5:8000/v1/', model: 'm' },
        loose: { provider: 'openai-compatible', model: 'm' },
        claude_api: { provider: 'anthropic', model: 'm' },
      },
    } as unknown as ResolvedConfig;
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9001' };
    expect(baseUrl(engineSpecNamed('pinned', config) as EngineSpec, env)).toEqual({ ok: true, baseUrl: 'http://10.0.0.5:8000/v1', from: 'the engine "pinned"' });
    expect(baseUrl(engineSpecNamed('loose', config) as EngineSpec, env)).toEqual({ ok: true, baseUrl: 'http://127.0.0.1:9000/v1', from: 'OPENAI_BASE_URL' });
    expect(baseUrl(engineSpecNamed('loose', config) as EngineSpec, {})).toEqual({ ok: true, baseUrl: 'https://api.openai.com/v1', from: 'the default' });
    expect(baseUrl(engineSpecNamed('claude_api', config) as EngineSpec, env)).toEqual({ ok: true, baseUrl: 'http://127.0.0.1:9001/v1', from: 'ANTHROPIC_BASE_URL' });
  });
});
