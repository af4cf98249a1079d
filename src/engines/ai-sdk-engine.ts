// Model engines through the AI SDK: any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LM Studio) and Anthropic.
// Providers are dependencies imported on the first call (never at start-up: --help stays fast). The SDK's own retries are off: the workflow's retry
// policy is the one retry layer (the original stacked three), so a retryable provider error comes back as retryable.

import { timeoutError } from '../step-errors.js';
import type { LanguageModel } from 'ai';
import type { Usage } from '../observability/observer.js';
import type { Engine, EngineRequest, EngineResult, EngineTranscript } from './engine.js';
import type { EngineSpec } from './engine-spec.js';
import { importProvider } from './provider-module.js';
import { resolveEndpoint } from './provider-endpoint.js';
import { PROVIDER_PACKAGES } from './select-engine.js';

/** An engine that sends the prompt to a chat model and returns its text. */
export function createAiSdkEngine(spec: EngineSpec): Engine {
  return {
    name: spec.name,
    writesFiles: false,
    async generate(request) {
      const { generateText, APICallError } = await import('ai');
      const endpoint = resolveEndpoint(spec, request.env);
      if (!endpoint.ok) return { ok: false, error: { code: 'NO_ENGINE', message: `Engine "${spec.name}" cannot run: ${endpoint.problem}`, retryable: false } };
      const model = await languageModel(spec, request.env, endpoint.baseUrl);
      request.logger?.debug('engine request', { engine: spec.name, provider: spec.provider, base_url: endpoint.baseUrl, base_url_from: endpoint.from, model: spec.model ?? null, api_key_env: spec.apiKeyEnv ?? null, env_names: Object.keys(request.env).sort() });
      const timeoutMs = Math.min(request.timeoutMs, spec.timeoutMs ?? Number.POSITIVE_INFINITY);
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
      const base: Usage = { engine: spec.name, ...(spec.model === undefined ? {} : { model: spec.model }) };
      const transcript = (outcome: string, response: string): EngineTranscript => ({
        invocation: `${spec.provider === 'anthropic' ? 'Anthropic messages' : 'OpenAI chat/completions'} at ${endpoint.baseUrl} (from ${endpoint.from}), model ${spec.model ?? '(none)'}`,
        envNames: Object.keys(request.env).sort(),
        outcome,
        streams: [{ name: 'response', text: response, bytes: Buffer.byteLength(response) }],
      });
      try {
        const result = await generateText({ model, system: request.system, prompt: request.prompt, maxRetries: 0, abortSignal: signal });
        return {
          ok: true,
          text: result.text,
          usage: { ...base, ...tokens(result.totalUsage.inputTokens, result.totalUsage.outputTokens) },
          transcript: transcript(`answered (${result.finishReason})`, result.text),
        };
      } catch (error) {
        const apiError = APICallError.isInstance(error) ? error : undefined;
        const failure = describeFailure(error, request, timeoutMs, spec, apiError);
        const outcome = apiError?.statusCode === undefined ? failure.message : `HTTP ${apiError.statusCode} from ${apiError.url}`;
        return { ok: false, error: failure, usage: base, transcript: transcript(outcome, apiError?.responseBody ?? (error instanceof Error ? (error.stack ?? error.message) : String(error))) };
      }
    },
  };
}

async function languageModel(spec: EngineSpec, env: NodeJS.ProcessEnv, baseURL: string): Promise<LanguageModel> {
  const apiKey = spec.apiKeyEnv === undefined ? undefined : env[spec.apiKeyEnv];
  const modelId = spec.model ?? '';
  if (spec.provider === 'anthropic') {
    const { createAnthropic } = await importProvider<typeof import('@ai-sdk/anthropic')>(PROVIDER_PACKAGES.anthropic, `The engine "${spec.name}"`);
    return createAnthropic({ ...(apiKey === undefined ? {} : { apiKey }), baseURL })(modelId);
  }
  const { createOpenAICompatible } = await importProvider<typeof import('@ai-sdk/openai-compatible')>(PROVIDER_PACKAGES['openai-compatible'], `The engine "${spec.name}"`);
  return createOpenAICompatible({ name: spec.name, baseURL, includeUsage: true, ...(apiKey === undefined ? {} : { apiKey }) })(modelId);
}

function tokens(input: number | undefined, output: number | undefined): Usage {
  return { ...(input === undefined ? {} : { input_tokens: input }), ...(output === undefined ? {} : { output_tokens: output }) };
}

function describeFailure(
  error: unknown,
  request: EngineRequest,
  timeoutMs: number,
  spec: EngineSpec,
  apiError: { statusCode?: number; isRetryable: boolean; message: string } | undefined,
): Extract<EngineResult, { ok: false }>['error'] {
  if (request.signal.aborted) return { code: 'CANCELLED', message: `The call to engine "${spec.name}" was cancelled`, retryable: false };
  if (isAbort(error)) return timeoutError(`The call to engine "${spec.name}"`, timeoutMs, 'no answer came');
  if (apiError !== undefined) {
    const status = apiError.statusCode === undefined ? '' : ` (HTTP ${apiError.statusCode})`;
    return { code: 'PROVIDER_ERROR', message: `Engine "${spec.name}" failed${status}: ${firstLine(apiError.message)}`, retryable: apiError.isRetryable };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'PROVIDER_ERROR', message: `Engine "${spec.name}" failed: ${firstLine(message)}`, retryable: true };
}

function isAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || (error.cause instanceof Error && isAbort(error.cause));
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 300);
}
