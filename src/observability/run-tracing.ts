// The spans of one run, built from what the executor already reports (docs/observability.md "Traces"): its run events
// (step started / retry / finished, gates, approvals, run finished) and its observer calls (one metrics record per
// attempt). A span for the run, one per step, one per attempt; the attempt's traceparent goes into its command file
// (ExecutionObserver.traceparent), so the runner's span in another process joins the same trace.

import type { Span, SpanAttributes, Tracer } from '../tracing/tracer.js';
import type { ExecutionObserver, ExecutionRecord } from './observer.js';

/** The part of a run event (src/workflow/run-state.ts RunEvent) the spans read. */
export interface TracedRunEvent {
  type: string;
  stepId?: string;
  [field: string]: unknown;
}

export interface RunTracing {
  /** The observer to give the executor and the transport: the given one, plus spans and traceparents. */
  observer: ExecutionObserver;
  /** Feed every run event here. */
  onEvent: (event: TracedRunEvent) => void;
  /** Adds attributes to the run span (the transport, once it is chosen). */
  annotate(attributes: SpanAttributes): void;
  /** Ends whatever is still open (a run that threw) and the run span. */
  end(error?: unknown): void;
}

/**
 * Starts the run span and returns the observer and event listener that add the rest.
 * @example
 * const tracing = traceRun(tracer, observer, { workflowId, runId, workflowFile });
 */
export function traceRun(tracer: Tracer, inner: ExecutionObserver, run: { workflowId: string; runId: string; workflowFile: string }): RunTracing {
  const runSpan = tracer.startSpan(`run ${run.workflowId}`, {
    attributes: { 'tapps.workflow.id': run.workflowId, 'tapps.run.id': run.runId, 'tapps.workflow.file': run.workflowFile },
  });
  const steps = new Map<string, Span>();
  const attempts = new Map<string, Span>();
  const stepIds = { 'tapps.workflow.id': run.workflowId, 'tapps.run.id': run.runId };

  const stepSpan = (stepId: string): Span => {
    let span = steps.get(stepId);
    if (span === undefined) {
      span = tracer.startSpan(`step ${stepId}`, { parent: runSpan, attributes: { ...stepIds, 'tapps.step.id': stepId } });
      steps.set(stepId, span);
    }
    return span;
  };
  const attemptKey = (stepId: string, attempt: unknown) => `${stepId}#${String(attempt)}`;

  const onEvent = (event: TracedRunEvent): void => {
    const stepId = event.stepId;
    switch (event.type) {
      case 'step.started': {
        if (stepId === undefined) return;
        const parent = stepSpan(stepId);
        const attempt = typeof event.attempt === 'number' ? event.attempt : 1;
        attempts.set(attemptKey(stepId, attempt), tracer.startSpan(`attempt ${stepId}#${attempt}`, { parent, attributes: { ...stepIds, 'tapps.step.id': stepId, 'tapps.attempt': attempt } }));
        return;
      }
      case 'step.retry':
        if (stepId === undefined) return;
        stepSpan(stepId).addEvent('retry.scheduled', { 'tapps.attempt': number(event.attempt), 'tapps.retry.next_attempt': number(event.nextAttempt), 'tapps.retry.delay_ms': number(event.delayMs), 'exception.message': text(event.error) });
        return;
      case 'step.waiting_approval':
        if (stepId === undefined) return;
        stepSpan(stepId).addEvent('approval.waiting', { 'tapps.approval.prompt': text(event.prompt) });
        return;
      case 'step.skipped':
        if (stepId === undefined) return;
        stepSpan(stepId).setAttributes({ 'tapps.step.status': 'skipped', 'tapps.step.skip_reason': text(event.reason) });
        endStep(stepId);
        return;
      case 'step.finished': {
        if (stepId === undefined) return;
        const span = stepSpan(stepId);
        const status = text(event.status) ?? 'unknown';
        span.setAttributes({ 'tapps.step.status': status, 'tapps.step.attempts': number(event.attempt) });
        // An approval step's end is its decision.
        const output = text(event.output);
        if (output?.startsWith('approved by ') === true) span.addEvent('approval.approved', { 'tapps.approval.by': output.slice('approved by '.length) });
        const rejection = /^Rejected by ([^:]+)/.exec(text(event.error) ?? '');
        if (rejection !== null && status === 'failed') span.addEvent('approval.rejected', { 'tapps.approval.by': rejection[1] });
        if (status === 'succeeded') span.succeed();
        else span.fail(text(event.error) ?? `step ${status}`);
        endStep(stepId);
        return;
      }
      case 'gate.loop':
        runSpan.addEvent('gate.loop', { 'tapps.step.id': stepId, 'tapps.gate.to': text(event.to), 'tapps.gate.iteration': number(event.iteration), 'tapps.gate.max_iterations': number(event.maxIterations) });
        return;
      case 'gate.exhausted':
        runSpan.addEvent('gate.exhausted', { 'tapps.step.id': stepId, 'tapps.gate.iterations': number(event.iterations) });
        return;
      case 'run.finished': {
        const status = text(event.status) ?? 'unknown';
        runSpan.setAttributes({ 'tapps.run.status': status });
        if (status === 'succeeded') runSpan.succeed();
        else runSpan.fail(text(event.summary) ?? text(event.error) ?? `run ${status}`);
        return;
      }
      default:
        return;
    }
  };

  const endStep = (stepId: string): void => {
    for (const [key, span] of attempts) if (key.startsWith(`${stepId}#`)) { span.end(); attempts.delete(key); }
    steps.get(stepId)?.end();
    steps.delete(stepId);
  };

  const endAttempt = (record: Omit<ExecutionRecord, 'schemaVersion' | 'ts'>): void => {
    const attempt = record.retry_count + 1;
    const key = attemptKey(record.step_id, attempt);
    const span = attempts.get(key);
    if (span === undefined) return;
    attempts.delete(key);
    span.setAttributes({
      'tapps.agent': record.agent,
      'tapps.action': record.action,
      'tapps.command': record.command,
      'tapps.status': record.status,
      'tapps.duration_ms': record.duration_ms,
      'tapps.retry_count': record.retry_count,
      'gen_ai.system': record.usage?.engine,
      'gen_ai.request.model': record.usage?.model,
      'gen_ai.usage.input_tokens': record.usage?.input_tokens,
      'gen_ai.usage.output_tokens': record.usage?.output_tokens,
      'tapps.cost_usd': record.usage?.cost_usd,
    });
    if (record.status === 'timeout') span.addEvent('timeout', { 'exception.message': record.error_message ?? undefined });
    if (record.status === 'success') span.succeed();
    else span.fail(record.error_message ?? `attempt ${record.status}`);
    span.end(Date.parse(record.completed_at) || undefined);
  };

  const observer: ExecutionObserver = {
    logger: inner.logger,
    recordExecution(record) {
      endAttempt(record);
      return inner.recordExecution(record);
    },
    audit(event) {
      if (event.event === 'runner.stalled' && event.step_id !== undefined) stepSpan(event.step_id).addEvent('runner.stalled', { 'tapps.attempt': event.attempt });
      if (event.event === 'status.rejected' && event.step_id !== undefined) stepSpan(event.step_id).addEvent('status.rejected', { 'tapps.attempt': event.attempt });
      return inner.audit(event);
    },
    traceparent(correlation) {
      if (correlation.run_id !== run.runId) return inner.traceparent?.(correlation);
      return attempts.get(attemptKey(correlation.step_id, correlation.attempt))?.traceparent() ?? steps.get(correlation.step_id)?.traceparent() ?? runSpan.traceparent();
    },
  };

  return {
    observer,
    onEvent,
    annotate: (attributes) => runSpan.setAttributes(attributes),
    end(error) {
      for (const stepId of [...steps.keys()]) endStep(stepId);
      if (error !== undefined) runSpan.fail(error instanceof Error ? error.message : JSON.stringify(error));
      runSpan.end();
    },
  };
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
