// Our own small tracing interface, so code that makes spans (executor observer, runner, engines) never imports
// OpenTelemetry: the OpenTelemetry implementation (otel-tracer.ts) is loaded with import() only when the environment
// asks for traces (load-tracing.ts), and until then activeTracer() is undefined and every call site skips its span.

/** Attribute values; undefined ones are left out. Strings are redacted before they reach a span (otel-tracer.ts). */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** A started span. */
export interface Span {
  setAttributes(attributes: SpanAttributes): void;
  addEvent(name: string, attributes?: SpanAttributes): void;
  /** Status ERROR with `message` (redacted). */
  fail(message: string): void;
  /** Status OK. */
  succeed(): void;
  /** Ends the span; `endTime` in epoch ms (default now). Ending twice is ignored. */
  end(endTime?: number): void;
  /** The W3C `traceparent` header value naming this span (what a command file carries to a runner). */
  traceparent(): string;
}

export interface StartSpanOptions {
  attributes?: SpanAttributes;
  /** The parent: a span of this process, a W3C traceparent from another one, or (default) the active span. */
  parent?: Span | string;
  kind?: 'internal' | 'client' | 'consumer' | 'producer';
  /** Epoch ms (default now). */
  startTime?: number;
}

export interface Tracer {
  startSpan(name: string, options?: StartSpanOptions): Span;
  /** The traceparent of the active span, if one is active here. */
  activeTraceparent(): string | undefined;
  /** Runs `fn` with `span` as the active span: spans started inside (without a parent) become its children. */
  withActiveSpan<T>(span: Span, fn: () => T): T;
  /** Exports what has ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and stops exporting. */
  shutdown(): Promise<void>;
}

let active: Tracer | undefined;

/** The tracer of this process, or undefined when traces are off (the usual case). */
export function activeTracer(): Tracer | undefined {
  return active;
}

/** Installs (or, with undefined, removes) the process's tracer. load-tracing.ts calls it. */
export function setActiveTracer(tracer: Tracer | undefined): void {
  active = tracer;
}

/**
 * Runs `fn` inside a span named `name` when tracing is on, else just runs it. The span fails when `fn` throws.
 * @example
 * const result = await traced('gen_ai.chat', { 'gen_ai.system': 'openai' }, (span) => call(span));
 */
export function traced<T>(name: string, options: StartSpanOptions, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  const tracer = active;
  // Traces off (the usual case): the function's own promise, without an async frame and its extra turns around it.
  if (tracer === undefined) {
    try {
      return fn(undefined);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what fn threw, as an async traced rejected with
      return Promise.reject(error);
    }
  }
  return inSpan(tracer, name, options, fn);
}

async function inSpan<T>(tracer: Tracer, name: string, options: StartSpanOptions, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  const span = tracer.startSpan(name, options);
  try {
    return await tracer.withActiveSpan(span, () => fn(span));
  } catch (error) {
    span.fail(error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    span.end();
  }
}
