// Turns tracing on for this process when the OpenTelemetry environment asks for it; otherwise does nothing and loads
// nothing. The SDK is an optional peer: without it a run goes on untraced after one warning saying what to install.

import { packageVersion } from '../package-files.js';
import { activeTracer, setActiveTracer, type Tracer } from './tracer.js';
import { tracesExporters, tracingRequested } from './tracing-requested.js';

/** The packages tracing needs besides @opentelemetry/api. */
export const TRACING_PACKAGES = ['@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/resources'] as const;

let loading: Promise<Tracer | undefined> | undefined;

/**
 * The process's tracer when OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER ask
 * for traces, else undefined. Loads the SDK once; later calls get the same tracer.
 */
export function startTracingIfRequested(env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`)): Promise<Tracer | undefined> {
  const current = activeTracer();
  if (current !== undefined) return Promise.resolve(current);
  if (!tracingRequested(env)) return Promise.resolve(undefined);
  loading ??= load(env, warn);
  return loading;
}

async function load(env: NodeJS.ProcessEnv, warn: (message: string) => void): Promise<Tracer | undefined> {
  let module: typeof import('./otel-tracer.js');
  try {
    module = await import('./otel-tracer.js');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    warn(`Traces are off: the OpenTelemetry environment asks for them, but the OpenTelemetry SDK is not installed. Install it next to tapps-agents: npm install ${TRACING_PACKAGES.join(' ')}`);
    return undefined;
  }
  const tracer = module.createOtelTracer({ exporters: tracesExporters(env), serviceVersion: packageVersion(), env });
  setActiveTracer(tracer);
  return tracer;
}

/** Exports the spans that ended and stops the tracer (before a command exits). A failing export never fails the command. */
export async function stopTracing(): Promise<void> {
  const tracer = activeTracer();
  if (tracer === undefined) return;
  setActiveTracer(undefined);
  loading = undefined;
  await tracer.shutdown().catch(() => undefined);
}
