// The background agent's Prometheus metrics (docs/observability.md "Metrics"): what it served, per attempt, and its
// slots, plus the standard process metrics. Loaded with import() only by `background-agent run --metrics-port`.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ExecutionRecord } from './observer.js';

/** What the metrics read from the runner when scraped. */
export interface DaemonMetricsSources {
  slots(): { busy: number; free: number };
  /** Command files claimed since the runner started. */
  claimed(): number;
}

export interface DaemonMetrics {
  registry: Registry;
  /** Counts one attempt the runner served. */
  observeAttempt: (attempt: Omit<ExecutionRecord, 'schemaVersion' | 'ts'>) => void;
}

/** Seconds: from a quick shell step to an hour-long coding-agent run. */
const DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * A registry with the daemon's metrics; the step metrics count what `observeAttempt` is told.
 * @example
 * const metrics = createDaemonMetrics({ slots: () => runner.slots, claimed: () => runner.counts.claimed });
 */
export function createDaemonMetrics(sources: DaemonMetricsSources): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const labelNames = ['agent', 'action', 'status'] as const;
  const duration = new Histogram({ name: 'tapps_step_attempt_duration_seconds', help: 'Duration of step attempts served by this background agent', labelNames, buckets: DURATION_BUCKETS, registers });
  const attempts = new Counter({ name: 'tapps_step_attempts_total', help: 'Step attempts served by this background agent, by how they ended', labelNames, registers });
  const retries = new Counter({ name: 'tapps_step_retries_total', help: 'Step attempts that were retries (attempt 2 or later)', labelNames: ['agent', 'action'] as const, registers });
  const inputTokens = new Counter({ name: 'tapps_model_input_tokens_total', help: 'Input tokens that model-backed steps reported', labelNames: ['agent', 'action', 'engine', 'model'] as const, registers });
  const outputTokens = new Counter({ name: 'tapps_model_output_tokens_total', help: 'Output tokens that model-backed steps reported', labelNames: ['agent', 'action', 'engine', 'model'] as const, registers });
  const cost = new Counter({ name: 'tapps_model_cost_usd_total', help: 'Cost in US dollars that model-backed steps reported', labelNames: ['agent', 'action', 'engine', 'model'] as const, registers });
  new Counter({
    name: 'tapps_commands_claimed_total',
    help: 'Command files this background agent claimed',
    registers,
    collect() {
      this.reset();
      this.inc(sources.claimed());
    },
  });
  new Gauge({
    name: 'tapps_runner_slots_busy',
    help: 'Step slots (max_parallel_agents) running a step now',
    registers,
    collect() {
      this.set(sources.slots().busy);
    },
  });
  new Gauge({
    name: 'tapps_runner_slots_free',
    help: 'Step slots (max_parallel_agents) free now',
    registers,
    collect() {
      this.set(sources.slots().free);
    },
  });
  return {
    registry,
    observeAttempt: (attempt) => {
      const labels = { agent: attempt.agent, action: attempt.action, status: attempt.status };
      attempts.inc(labels);
      duration.observe(labels, attempt.duration_ms / 1000);
      if (attempt.retry_count > 0) retries.inc({ agent: attempt.agent, action: attempt.action });
      const usage = attempt.usage;
      if (usage === null) return;
      const model = { agent: attempt.agent, action: attempt.action, engine: usage.engine ?? '', model: usage.model ?? '' };
      if (usage.input_tokens !== undefined) inputTokens.inc(model, usage.input_tokens);
      if (usage.output_tokens !== undefined) outputTokens.inc(model, usage.output_tokens);
      if (usage.cost_usd !== undefined) cost.inc(model, usage.cost_usd);
    },
  };
}
