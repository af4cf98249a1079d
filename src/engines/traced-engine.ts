// One span per engine call, with the OpenTelemetry GenAI semantic-convention attributes (gen_ai.*), when the process
// is traced; otherwise the engine is returned as it is. The span's parent is the active one: the skill's span.

import { activeTracer } from '../tracing/tracer.js';
import type { Engine } from './engine.js';
import type { EngineSpec } from './engine-spec.js';

/** `engine`, with a span around each `generate` while tracing is on. */
export function tracedEngine(engine: Engine, spec: EngineSpec): Engine {
  return {
    name: engine.name,
    writesFiles: engine.writesFiles,
    async generate(request) {
      const tracer = activeTracer();
      if (tracer === undefined) return engine.generate(request);
      const system = genAiSystem(spec);
      const span = tracer.startSpan(`chat ${spec.model ?? spec.name}`, {
        kind: 'client',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': system,
          'gen_ai.provider.name': system,
          'gen_ai.request.model': spec.model,
          'tapps.engine': spec.name,
          'tapps.engine.provider': spec.provider,
          'server.address': serverAddress(spec.baseUrl),
        },
      });
      try {
        const result = await engine.generate(request);
        const usage = result.usage;
        span.setAttributes({
          'gen_ai.response.model': usage?.model,
          'gen_ai.usage.input_tokens': usage?.input_tokens,
          'gen_ai.usage.output_tokens': usage?.output_tokens,
          'tapps.cost_usd': usage?.cost_usd,
        });
        if (result.ok) span.succeed();
        else {
          span.setAttributes({ 'error.type': result.error.code });
          span.fail(result.error.message);
        }
        return result;
      } catch (error) {
        span.fail(error instanceof Error ? error.message : String(error));
        throw error;
      } finally {
        span.end();
      }
    },
  };
}

/** gen_ai.system: the provider a person would recognise (openai, anthropic, ollama, claude-code…). */
function genAiSystem(spec: EngineSpec): string {
  if (spec.provider === 'openai-compatible') return spec.name === 'openai' || spec.baseUrl?.includes('api.openai.com') === true ? 'openai' : spec.name;
  return spec.provider;
}

/** The host of an HTTP engine (never a path or query, which could carry a key). */
function serverAddress(baseUrl: string | undefined): string | undefined {
  if (baseUrl === undefined) return undefined;
  try {
    return new URL(baseUrl).hostname;
  } catch {
    return undefined;
  }
}
