// Whether the standard OpenTelemetry environment asks for traces. Nothing of OpenTelemetry is loaded to decide it:
// without these variables a command starts and runs steps exactly as before (docs/BENCHMARKS.md "Tracing off").

/**
 * True when traces are asked for: OTEL_TRACES_EXPORTER names an exporter other than "none", or an OTLP endpoint is set
 * (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). OTEL_SDK_DISABLED=true turns it off.
 */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = tracesExporters(env);
  if (exporters !== undefined) return exporters.some((name) => name !== 'none');
  return isSet(env.OTEL_EXPORTER_OTLP_ENDPOINT) || isSet(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** The exporters OTEL_TRACES_EXPORTER names (comma-separated, lower case), or undefined when it is not set. */
export function tracesExporters(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const value = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  return value.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
