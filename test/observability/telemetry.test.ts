// Traces and metrics as an operator sees them: a real run through the file transport, its steps served by a
// background agent in another process, spans exported over OTLP/HTTP to a receiver in this test, and the daemon's
// Prometheus /metrics scraped and compared with `auto-execution metrics --json`.

import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { startFakeOpenAiServer } from '../engines/fake-openai-server.js';
import { autoProject, CONFIG } from '../reliability/project.js';
import { waitFor } from '../helpers/wait-for.js';
import { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const KEY = 'sk-telemetry-0123456789abcdef';
const ENGINES = (baseUrl: string) => `agents:\n  default_engine: local\nengines:\n  local:\n    provider: openai-compatible\n    base_url: ${baseUrl}\n    model: test-model\n    api_key_env: TEST_LLM_KEY\n`;
/** A model step that fails once (HTTP 503, retryable) and succeeds on its retry, then a shell step. */
const WORKFLOW = `id: traced
name: Traced
steps:
  - step: Gather
    agent: analyst
    action: gather-requirements
    params:
      description: a plant shop
  - step: Count
    run: wc -l requirements.md > count.txt
    requires: [requirements.md]
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Prometheus text format: every sample line as name, labels and value (comments checked for TYPE). */
function parsePrometheus(text: string): { types: Map<string, string>; samples: { name: string; labels: Record<string, string>; value: number }[] } {
  const types = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type !== null) types.set(type[1] as string, type[2] as string);
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (sample === null) throw new Error(`not Prometheus text: ${line}`);
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((match) => [match[1] as string, match[2] as string]));
    samples.push({ name: sample[1] as string, labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

describe('traces and metrics of real runs', () => {
  it('exports one trace (run, steps, attempts, runner, skill, model call) and serves /metrics equal to auto-execution metrics', { timeout: 180_000 }, async () => {
    const receiver = await startOtlpReceiver();
    const model = await startFakeOpenAiServer();
    model.script({ status: 503, error: 'overloaded' }, { text: '# Requirements\n\n- R1\n- R2\n', inputTokens: 120, outputTokens: 30 });
    const env = { TEST_LLM_KEY: KEY, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
    const root = await autoProject({ '.tapps-agents/config.yaml': `${CONFIG}${ENGINES(model.baseUrl)}`, 'wf.yaml': WORKFLOW }, env);
    const port = await freePort();

    const started = await runCli(['background-agent', 'start', '--metrics-port', String(port), '--json'], { cwd: root, env });
    expect(started.exitCode).toBe(0);
    const daemon = JSON.parse(started.stdout) as { pid: number; metrics_url: string };
    expect(daemon.metrics_url).toBe(`http://127.0.0.1:${port}/metrics`);
    const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root, env, timeoutMs: 120_000 });
    expect(run.stderr).toContain(`Auto-execution: steps go to the background agent (pid ${daemon.pid}).`);
    expect(run.exitCode).toBe(0);
    const runId = /Run (\S+) started/.exec(run.stdout)?.[1] as string;

    // Metrics: scraped from the daemon while it runs, then compared with what the executor recorded.
    const response = await fetch(daemon.metrics_url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const { types, samples } = parsePrometheus(await response.text());
    const sum = (name: string, where: Record<string, string> = {}) => samples.filter((sample) => sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value)).reduce((total, sample) => total + sample.value, 0);
    expect(types.get('tapps_step_attempt_duration_seconds')).toBe('histogram');
    expect(types.get('tapps_step_attempts_total')).toBe('counter');
    expect(types.get('tapps_runner_slots_free')).toBe('gauge');
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
    const summary = JSON.parse((await runCli(['auto-execution', 'metrics', '--json'], { cwd: root, env })).stdout) as {
      total_executions: number;
      total_retries: number;
      by_status: Record<string, number>;
      by_agent_action: { agent: string; action: string; total: number }[];
      usage: { input_tokens: number; output_tokens: number; cost_usd: number };
    };
    expect(summary.total_executions).toBe(3);
    expect(sum('tapps_step_attempts_total')).toBe(summary.total_executions);
    expect(sum('tapps_step_attempt_duration_seconds_count')).toBe(summary.total_executions);
    for (const [status, count] of Object.entries(summary.by_status)) expect(sum('tapps_step_attempts_total', { status })).toBe(count);
    for (const pair of summary.by_agent_action) expect(sum('tapps_step_attempts_total', { agent: pair.agent, action: pair.action })).toBe(pair.total);
    expect(sum('tapps_step_retries_total')).toBe(summary.total_retries);
    expect(summary.total_retries).toBe(1);
    expect(sum('tapps_model_input_tokens_total')).toBe(summary.usage.input_tokens);
    expect(sum('tapps_model_output_tokens_total')).toBe(summary.usage.output_tokens);
    expect(summary.usage).toMatchObject({ input_tokens: 120, output_tokens: 30 });
    expect(sum('tapps_commands_claimed_total')).toBe(3);
    expect(sum('tapps_runner_slots_busy')).toBe(0);
    expect(sum('tapps_runner_slots_free')).toBe(4);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);

    // Stopping the daemon exports the spans it still holds.
    expect((await runCli(['background-agent', 'stop'], { cwd: root, env })).exitCode).toBe(0);
    const spans = await waitFor(() => Promise.resolve(receiver.spans.filter((span) => span.name.startsWith('chat ')).length === 2 && receiver.spans.some((span) => span.name.startsWith('run ')) ? receiver.spans : undefined), 'the spans of both processes', 30_000);

    const byName = (name: string) => spans.filter((span) => span.name === name);
    const one = (name: string): ReceivedSpan => {
      const found = byName(name);
      expect(found, name).toHaveLength(1);
      return found[0] as ReceivedSpan;
    };
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    const runSpan = one('run traced');
    expect(runSpan.parentSpanId).toBeUndefined();
    expect(runSpan.attributes).toMatchObject({ 'tapps.workflow.id': 'traced', 'tapps.run.id': runId, 'tapps.transport': 'file', 'tapps.run.status': 'succeeded' });
    expect(runSpan.status.code).toBe(1); // OK
    const gather = one('step gather');
    const count = one('step count');
    expect(gather.parentSpanId).toBe(runSpan.spanId);
    expect(count.parentSpanId).toBe(runSpan.spanId);
    expect(gather.attributes).toMatchObject({ 'tapps.step.status': 'succeeded', 'tapps.step.attempts': 2 });
    expect(gather.events.find((event) => event.name === 'retry.scheduled')?.attributes).toMatchObject({ 'tapps.attempt': 1, 'tapps.retry.next_attempt': 2 });
    const firstAttempt = one('attempt gather#1');
    const secondAttempt = one('attempt gather#2');
    expect([firstAttempt.parentSpanId, secondAttempt.parentSpanId]).toEqual([gather.spanId, gather.spanId]);
    expect(firstAttempt.status).toEqual({ code: 2, message: 'Engine "local" failed (HTTP 503): overloaded' });
    expect(secondAttempt.attributes).toMatchObject({ 'tapps.agent': 'analyst', 'tapps.action': 'gather-requirements', 'tapps.status': 'success', 'tapps.retry_count': 1, 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30 });

    // Across the process boundary: the runner's span is a child of the executor's attempt span.
    const runnerSpans = byName('runner steps');
    expect(runnerSpans).toHaveLength(3);
    const executorPid = runSpan.resource['process.pid'];
    for (const span of runnerSpans) {
      expect(span.resource['process.pid']).toBe(daemon.pid);
      expect(span.resource['process.pid']).not.toBe(executorPid);
    }
    const runnerOf = (attempt: ReceivedSpan) => runnerSpans.find((span) => span.parentSpanId === attempt.spanId) as ReceivedSpan;
    expect(runnerOf(secondAttempt).attributes).toMatchObject({ 'tapps.background_agent': 'steps', 'tapps.run.id': runId, 'tapps.step.id': 'gather', 'tapps.attempt': 2, 'tapps.status': 'completed' });
    expect(runnerOf(one('attempt count#1'))).toBeDefined();
    const skill = spans.filter((span) => span.name === 'skill @analyst gather-requirements' && span.parentSpanId === runnerOf(secondAttempt).spanId);
    expect(skill).toHaveLength(1);
    const chat = spans.find((span) => span.name === 'chat test-model' && span.parentSpanId === skill[0]?.spanId) as ReceivedSpan;
    expect(chat.kind).toBe(3); // CLIENT
    expect(chat.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'local', 'gen_ai.request.model': 'test-model', 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30, 'server.address': '127.0.0.1' });
    const failedChat = spans.find((span) => span.name === 'chat test-model' && span !== chat) as ReceivedSpan;
    expect(failedChat.status.code).toBe(2);
    expect(failedChat.attributes['error.type']).toBe('PROVIDER_ERROR');

    // No secret in anything exported.
    expect(receiver.bodies.join('\n')).not.toContain(KEY);
  });

  it('without a background agent (inline transport) the skill and its model call are children of the attempt span', { timeout: 60_000 }, async () => {
    const receiver = await startOtlpReceiver();
    const model = await startFakeOpenAiServer();
    model.script({ text: '# Requirements\n' });
    const env = { TEST_LLM_KEY: KEY, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces` };
    const root = await testdir({ '.tapps-agents/config.yaml': ENGINES(model.baseUrl), 'wf.yaml': WORKFLOW.split('  - step: Count')[0] as string });
    const run = await runCli(['workflow', 'execute', '--workflow', 'wf.yaml'], { cwd: root, env, timeoutMs: 60_000 });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('transport inline');
    // The executor flushes its spans before it exits.
    const spans = receiver.spans;
    const attempt = spans.find((span) => span.name === 'attempt gather#1') as ReceivedSpan;
    const skill = spans.find((span) => span.name === 'skill @analyst gather-requirements') as ReceivedSpan;
    const chat = spans.find((span) => span.name === 'chat test-model') as ReceivedSpan;
    expect(skill.parentSpanId).toBe(attempt.spanId);
    expect(chat.parentSpanId).toBe(skill.spanId);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(receiver.bodies.join('\n')).not.toContain(KEY);
  });

  it('refuses a metrics port that is not a port number', async () => {
    const root = await autoProject();
    const result = await runCli(['background-agent', 'start', '--metrics-port', '80000'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('error: option \'--metrics-port <port>\' argument \'80000\' is invalid. expected a port number from 1 to 65535, got "80000"\n');
  });

  it('says which port is in use when another process holds it', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const root = await autoProject();
      const result = await runCli(['background-agent', 'run', '--metrics-port', String(port)], { cwd: root });
      expect(result.stderr).toBe(`error: Cannot serve metrics on 127.0.0.1:${port}: the port is in use. Choose another --metrics-port.\n`);
      expect(result.exitCode).not.toBe(0);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
