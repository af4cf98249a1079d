// The run's spans as the executor's events build them, exported through the real OpenTelemetry SDK to memory.

import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createOtelTracer } from '../tracing/otel-tracer.js';
import { silentObserver, type ExecutionRecord } from './observer.js';
import { traceRun } from './run-tracing.js';

const exporter = new InMemorySpanExporter();
const tracer = createOtelTracer({ exporters: undefined, serviceVersion: 'test', env: {}, spanProcessors: [new SimpleSpanProcessor(exporter)] });
afterAll(() => tracer.shutdown());

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const ids = { workflow_id: 'wf', run_id: 'run-1' };

function record(step: string, attempt: number, status: ExecutionRecord['status'], extra: Partial<ExecutionRecord> = {}): Omit<ExecutionRecord, 'schemaVersion' | 'ts'> {
  return { execution_id: `run-1/${step}/${attempt}`, ...ids, step_id: step, agent: 'shell', action: 'run', command: `@shell run --script "curl -H 'Authorization: token ${TOKEN}'"`, status, duration_ms: 5, retry_count: attempt - 1, started_at: '2026-12-02T10:00:00.000Z', completed_at: '2026-12-02T10:00:00.005Z', error_message: status === 'success' ? null : `failed with ${TOKEN}`, usage: null, ...extra };
}

function spanNamed(name: string): ReadableSpan {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`no span ${name}: ${exporter.getFinishedSpans().map((candidate) => candidate.name).join(', ')}`);
  return span;
}

describe('traceRun', () => {
  it('makes run, step and attempt spans with retries, timeouts, approvals, gates and skipped steps, secrets redacted', async () => {
    exporter.reset();
    const tracing = traceRun(tracer, silentObserver, { workflowId: 'wf', runId: 'run-1', workflowFile: 'wf.yaml' });
    tracing.annotate({ 'tapps.transport': 'file' });
    const { observer, onEvent } = tracing;
    onEvent({ type: 'step.started', stepId: 'build', attempt: 1 });
    const traceparent = observer.traceparent?.({ run_id: 'run-1', step_id: 'build', attempt: 1 });
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(observer.traceparent?.({ run_id: 'another-run', step_id: 'build', attempt: 1 })).toBeUndefined();
    await observer.recordExecution(record('build', 1, 'timeout'));
    onEvent({ type: 'step.retry', stepId: 'build', attempt: 1, nextAttempt: 2, delayMs: 100, error: `timed out ${TOKEN}` });
    onEvent({ type: 'step.started', stepId: 'build', attempt: 2 });
    await observer.recordExecution(record('build', 2, 'success', { usage: { engine: 'openai', model: 'gpt-4o-mini', input_tokens: 10, output_tokens: 4, cost_usd: 0.001 } }));
    onEvent({ type: 'step.finished', stepId: 'build', status: 'succeeded', attempt: 2 });
    onEvent({ type: 'gate.loop', stepId: 'review', to: 'build', iteration: 1, maxIterations: 2 });
    onEvent({ type: 'gate.exhausted', stepId: 'review', iterations: 2 });
    onEvent({ type: 'step.waiting_approval', stepId: 'ship', prompt: 'Ship it?' });
    onEvent({ type: 'step.finished', stepId: 'ship', status: 'succeeded', attempt: 0, output: 'approved by alice' });
    onEvent({ type: 'step.waiting_approval', stepId: 'deploy', prompt: 'Deploy?' });
    onEvent({ type: 'step.finished', stepId: 'deploy', status: 'failed', attempt: 0, error: 'Rejected by bob: not today' });
    onEvent({ type: 'step.skipped', stepId: 'docs', reason: 'condition false' });
    onEvent({ type: 'run.finished', status: 'completed_with_failures', summary: 'the run finished; 1 step failed' });
    tracing.end();
    await tracer.flush();

    const run = spanNamed('run wf');
    const build = spanNamed('step build');
    const first = spanNamed('attempt build#1');
    const second = spanNamed('attempt build#2');
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.attributes).toMatchObject({ 'tapps.workflow.id': 'wf', 'tapps.run.id': 'run-1', 'tapps.workflow.file': 'wf.yaml', 'tapps.transport': 'file', 'tapps.run.status': 'completed_with_failures' });
    expect(run.status).toEqual({ code: 2, message: 'the run finished; 1 step failed' });
    expect(run.events.map((event) => [event.name, event.attributes])).toEqual([
      ['gate.loop', { 'tapps.step.id': 'review', 'tapps.gate.to': 'build', 'tapps.gate.iteration': 1, 'tapps.gate.max_iterations': 2 }],
      ['gate.exhausted', { 'tapps.step.id': 'review', 'tapps.gate.iterations': 2 }],
    ]);
    expect(build.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(first.parentSpanContext?.spanId).toBe(build.spanContext().spanId);
    expect(`00-${first.spanContext().traceId}-${first.spanContext().spanId}-01`).toBe(traceparent);
    expect(first.status).toEqual({ code: 2, message: 'failed with ***REDACTED***' });
    expect(first.events.map((event) => event.name)).toEqual(['timeout']);
    expect(build.events.map((event) => [event.name, event.attributes])).toEqual([['retry.scheduled', { 'tapps.attempt': 1, 'tapps.retry.next_attempt': 2, 'tapps.retry.delay_ms': 100, 'exception.message': 'timed out ***REDACTED***' }]]);
    expect(build.attributes).toMatchObject({ 'tapps.step.status': 'succeeded', 'tapps.step.attempts': 2 });
    expect(second.attributes).toMatchObject({ 'tapps.status': 'success', 'tapps.retry_count': 1, 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 4, 'tapps.cost_usd': 0.001 });
    expect(second.status.code).toBe(1);
    const ship = spanNamed('step ship');
    expect(ship.events.map((event) => [event.name, event.attributes])).toEqual([
      ['approval.waiting', { 'tapps.approval.prompt': 'Ship it?' }],
      ['approval.approved', { 'tapps.approval.by': 'alice' }],
    ]);
    expect(spanNamed('step deploy').events.map((event) => [event.name, event.attributes])).toEqual([
      ['approval.waiting', { 'tapps.approval.prompt': 'Deploy?' }],
      ['approval.rejected', { 'tapps.approval.by': 'bob' }],
    ]);
    expect(spanNamed('step deploy').status).toEqual({ code: 2, message: 'Rejected by bob: not today' });
    expect(spanNamed('step docs').attributes).toMatchObject({ 'tapps.step.status': 'skipped', 'tapps.step.skip_reason': 'condition false' });
    const exported = JSON.stringify(exporter.getFinishedSpans().map((span) => ({ attributes: span.attributes, events: span.events, status: span.status })));
    expect(exported).not.toContain(TOKEN);
    expect(exported).toContain('***REDACTED***');
  });

  it('ends the spans still open when the run throws, with the error on the run span', async () => {
    exporter.reset();
    const tracing = traceRun(tracer, silentObserver, { workflowId: 'wf', runId: 'run-2', workflowFile: 'wf.yaml' });
    tracing.onEvent({ type: 'step.started', stepId: 'build', attempt: 1 });
    tracing.end(new Error('disk full'));
    await tracer.flush();
    expect(exporter.getFinishedSpans().map((span) => span.name).sort()).toEqual(['attempt build#1', 'run wf', 'step build']);
    expect(spanNamed('run wf').status).toEqual({ code: 2, message: 'disk full' });
  });
});
