// The Tracer of tracer.ts on the OpenTelemetry SDK. Only load-tracing.ts imports this file, with import(), and only
// when the environment asks for traces: the SDK packages are optional peers that a plain run never loads.
// The exporter is configured by the standard variables (OTEL_EXPORTER_OTLP_*, OTEL_TRACES_EXPORTER, OTEL_SERVICE_NAME).

import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span as OtelSpan } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { redactSecrets } from '../redaction/redact.js';
import type { Span, SpanAttributes, StartSpanOptions, Tracer } from './tracer.js';

const KINDS = { internal: SpanKind.INTERNAL, client: SpanKind.CLIENT, consumer: SpanKind.CONSUMER, producer: SpanKind.PRODUCER } as const;

/** Builds and registers the SDK: W3C trace context, an async-hooks context manager, a batching OTLP/HTTP exporter. */
export function createOtelTracer(options: { exporters: string[] | undefined; serviceVersion: string; env: NodeJS.ProcessEnv; spanProcessors?: SpanProcessor[] }): Tracer {
  const names = options.spanProcessors === undefined ? (options.exporters ?? ['otlp']) : [];
  // Given processors (unit tests: an in-memory exporter) replace the exporters the environment names.
  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  for (const name of names) {
    if (name === 'otlp') spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
    else if (name === 'console') spanProcessors.push(new BatchSpanProcessor(new ConsoleSpanExporter()));
    else if (name !== 'none') process.emitWarning(`OTEL_TRACES_EXPORTER names "${name}", which tapps-agents does not know (use otlp, console or none); it is ignored`);
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.env.OTEL_SERVICE_NAME ?? 'tapps-agents', 'service.version': options.serviceVersion, 'process.pid': process.pid }),
    spanProcessors,
  });
  provider.register();
  const tracer = trace.getTracer('tapps-agents', options.serviceVersion);
  return {
    startSpan(name: string, start: StartSpanOptions = {}): Span {
      const parent = parentContext(start.parent);
      const span = tracer.startSpan(name, { kind: KINDS[start.kind ?? 'internal'], attributes: clean(start.attributes), ...(start.startTime === undefined ? {} : { startTime: start.startTime }) }, parent);
      return wrap(span);
    },
    activeTraceparent() {
      const span = trace.getSpan(context.active());
      if (span === undefined) return undefined;
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent;
    },
    withActiveSpan<T>(span: Span, fn: () => T): T {
      return context.with(trace.setSpan(context.active(), (span as WrappedSpan).otel), fn);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

interface WrappedSpan extends Span {
  otel: OtelSpan;
}

function wrap(otel: OtelSpan): WrappedSpan {
  let ended = false;
  return {
    otel,
    setAttributes: (attributes) => otel.setAttributes(clean(attributes)),
    addEvent: (name, attributes) => otel.addEvent(name, clean(attributes)),
    fail: (message) => otel.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(message) }),
    succeed: () => otel.setStatus({ code: SpanStatusCode.OK }),
    end(endTime) {
      if (ended) return;
      ended = true;
      otel.end(endTime);
    },
    traceparent() {
      const carrier: Record<string, string> = {};
      propagation.inject(trace.setSpan(ROOT_CONTEXT, otel), carrier);
      return carrier.traceparent ?? '';
    },
  };
}

function parentContext(parent: Span | string | undefined): Context {
  if (parent === undefined) return context.active();
  if (typeof parent === 'string') return propagation.extract(ROOT_CONTEXT, { traceparent: parent });
  return trace.setSpan(ROOT_CONTEXT, (parent as WrappedSpan).otel);
}

/** Drops undefined values and redacts strings: a secret never reaches an exporter (the same rules as the audit log). */
function clean(attributes: SpanAttributes | undefined): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined) continue;
    result[key] = typeof value === 'string' ? redactSecrets(value) : value;
  }
  return result;
}
