// The `inline` transport: runs a step attempt in the executor's own process through executeSkill (no background
// agent). Shell steps still get their own process group, so a timeout or cancel kills everything they started.

import { timeoutError } from '../step-errors.js';
import { executeSkill } from '../agents/execute-skill.js';
import type { SkillResult } from '../agents/skill.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../observability/observer.js';
import { artifactsMissingError, missingArtifacts } from './expected-artifacts.js';
import type { AttemptOutcome, StepAttempt, Transport } from './transport.js';
import { setLongTimeout } from '../time/long-timeout.js';
import { traced } from '../tracing/tracer.js';

export interface InlineTransportOptions {
  projectRoot: string;
  config?: ResolvedConfig;
  logger: Logger;
  /** Check that every expected artifact exists and is newer than the attempt's start. @default true */
  artifactDetection?: boolean;
  /** The attempt span's traceparent when the run is traced (ExecutionObserver.traceparent): the skill's span joins it. */
  traceparent?: (attempt: { run_id: string; step_id: string; attempt: number }) => string | undefined;
}

/** Creates the inline transport. */
export function createInlineTransport(options: InlineTransportOptions): Transport {
  return {
    kind: 'inline',
    run: (attempt, signal) => runInline(attempt, signal, options),
    close: () => Promise.resolve(),
  };
}

async function runInline(attempt: StepAttempt, signal: AbortSignal, options: InlineTransportOptions): Promise<AttemptOutcome> {
  const startedAt = new Date();
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  const timer = setLongTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, attempt.timeoutMs);
  let result: SkillResult;
  try {
    const parent = options.traceparent?.(attempt.correlation);
    const { agent, action } = attempt.invocation;
    const spanOptions = { attributes: { 'tapps.agent': agent, 'tapps.action': action, 'tapps.run.id': attempt.correlation.run_id, 'tapps.step.id': attempt.correlation.step_id, 'tapps.attempt': attempt.correlation.attempt }, ...(parent === undefined ? {} : { parent }) };
    // With tracing off `traced` only calls the function; on, engine calls become children of the skill's span.
    result = await traced(`skill @${agent} ${action}`, spanOptions, async (span) => {
      const skill = await runSkill();
      span?.setAttributes({ 'tapps.status': skill.status });
      if (skill.status === 'success') span?.succeed();
      else span?.fail(skill.error === undefined ? skill.status : `${skill.error.code}: ${skill.error.message}`);
      return skill;
    });
  } finally {
    timer.clear();
    signal.removeEventListener('abort', onAbort);
  }
  function runSkill(): Promise<SkillResult> {
    return executeSkill(attempt.invocation, {
      projectRoot: options.projectRoot,
      stepDir: attempt.stepDir,
      correlation: attempt.correlation,
      timeoutMs: attempt.timeoutMs,
      signal: controller.signal,
      env: attempt.env,
      inputs: attempt.inputs,
      expectedArtifacts: attempt.expectedArtifacts,
      ...(attempt.engine === undefined ? {} : { engine: attempt.engine }),
      ...(options.config === undefined ? {} : { config: options.config }),
      logger: options.logger,
      ...(attempt.run?.summary === undefined ? {} : { runSummary: attempt.run.summary }),
      ...(attempt.run === undefined ? {} : { run: attempt.run }),
    });
  }
  const done = (status: AttemptOutcome['status'], extra: Partial<SkillResult> = {}): AttemptOutcome => ({
    ...result,
    ...extra,
    status,
    startedAt: startedAt.toISOString(),
    completedAt: new Date().toISOString(),
  });
  if (timedOut || result.error?.code === 'TIMEOUT') {
    return done('timeout', { error: timeoutError('Step', attempt.timeoutMs) });
  }
  if (signal.aborted) return done('cancelled', { error: { message: 'Step was cancelled', code: 'CANCELLED', retryable: false } });
  if (result.status === 'success' && options.artifactDetection !== false && attempt.expectedArtifacts.length > 0) {
    const missing = missingArtifacts(attempt.stepDir, attempt.expectedArtifacts, startedAt.getTime());
    if (missing.length > 0) {
      return done('failed', { error: artifactsMissingError(missing, attempt.stepDir) });
    }
    return done('success', { artifacts: [...new Set([...result.artifacts, ...attempt.expectedArtifacts])] });
  }
  return done(result.status);
}
