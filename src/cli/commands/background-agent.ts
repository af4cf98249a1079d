// `tapps-agents background-agent run|start|stop|status`: the background agent that executes workflow steps.

import type { Command } from 'commander';
import { durationTooLong, parseDuration } from '../../config/duration.js';
import { TappsError } from '../../errors.js';
import { resolveConfig } from '../../config/resolve.js';
import { createObserver } from '../../observability/create-observer.js';
import { readStopRequest, runnerStatusReport, startDaemon, stopDaemon } from '../../runner/daemon.js';
import { stalledRunnerMessage } from '../../protocol/runner-status.js';
import { Runner } from '../../runner/runner.js';
import type { ServedAttempt } from '../../runner/run-claimed.js';
import { startTracingIfRequested, stopTracing } from '../../tracing/load-tracing.js';
import { projectRootOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { colour, printErrorLines, printJson, printLines } from '../output.js';

/** `background-agent run`: the runner in the foreground until SIGINT/SIGTERM. */
export async function runCommand(options: { logFile?: string; grace?: string; metricsPort?: number; queue?: boolean | string }, command: Command): Promise<number> {
  if (options.queue !== undefined) {
    const grace = options.grace === undefined ? undefined : parseGrace(options.grace);
    const { runQueueWorkerCommand } = await import('./queue-worker.js');
    return runQueueWorkerCommand({ queue: options.queue, ...(grace === undefined ? {} : { grace }), ...(options.logFile === undefined ? {} : { logFile: options.logFile }) }, command);
  }
  const projectRoot = projectRootOf(command);
  // Metrics, audit and debug logs follow the configuration at start; the runner itself reloads its agents.
  const config = await resolveConfig({ projectRoot });
  // Traces when the OpenTelemetry environment asks for them: a span per command file served, joined to the run's trace.
  await startTracingIfRequested();
  // The runner exists before its metrics (they read its slots), so what it served is handed over through this sink.
  const sink: { served?: (attempt: ServedAttempt) => void } = {};
  const runner = new Runner({
    projectRoot,
    observer: createObserver(projectRoot, config, { actor: 'runner' }),
    ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
    onServed: (attempt) => sink.served?.(attempt),
  });
  // Prometheus only when asked: prom-client is not even loaded otherwise. A port in use fails before the runner starts.
  const metrics = options.metricsPort === undefined ? undefined : await serveDaemonMetrics(runner, options.metricsPort);
  if (metrics !== undefined) sink.served = metrics.observeAttempt;
  try {
    await runner.start();
  } catch (error) {
    await metrics?.server.close();
    throw error;
  }
  printLines(
    `Background agent running (pid ${process.pid}) for ${projectRoot}`,
    `Watching: ${runner.watchPaths.join(', ')}`,
    ...(metrics === undefined ? [] : [`Metrics: ${metrics.server.url}`]),
    'Stop it with Ctrl-C or "tapps-agents background-agent stop".',
  );
  const graceOption = options.grace === undefined ? undefined : parseGrace(options.grace);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const grace = (await readStopRequest(projectRoot)) ?? graceOption;
  printLines(`Stopping (${signal}): no new steps are claimed; running steps get ${(grace ?? 10_000) / 1000}s to finish.`);
  await runner.stop(grace === undefined ? {} : { graceMs: grace });
  await metrics?.server.close();
  await stopTracing();
  const { finished, failed } = runner.counts;
  printLines(`Background agent stopped (${finished} steps completed, ${failed} failed).`);
  return EXIT.OK;
}

/** `background-agent start`: the runner detached; returns once it is ready. */
export async function startCommand(options: { json?: boolean; metricsPort?: number; queue?: boolean | string }, command: Command): Promise<number> {
  if (options.queue !== undefined) return (await import('./queue-worker.js')).startQueueWorkerCommand({ queue: options.queue, ...(options.json === undefined ? {} : { json: options.json }) }, command);
  const report = await startDaemon(projectRootOf(command), options.metricsPort === undefined ? {} : { metricsPort: options.metricsPort });
  // A runner that was already running keeps whatever metrics port it was started with.
  const metricsUrl = options.metricsPort === undefined || report.alreadyRunning ? null : `http://127.0.0.1:${options.metricsPort}/metrics`;
  if (options.json === true) printJson({ pid: report.pid, already_running: report.alreadyRunning, log_file: report.logFile, watch_paths: report.watchPaths, metrics_url: metricsUrl });
  else if (report.alreadyRunning) printLines(`A background agent is already running for this project (pid ${report.pid}).${options.metricsPort === undefined ? '' : ' It keeps the metrics port it was started with; stop it first to change it.'}`);
  else printLines(`${colour.ok('✓')} Background agent started (pid ${report.pid})`, `Watching: ${report.watchPaths.join(', ')}`, ...(metricsUrl === null ? [] : [`Metrics: ${metricsUrl}`]), `Log: ${report.logFile}`);
  return EXIT.OK;
}

/** `background-agent stop`: stop claiming, let running steps finish within the grace period, then kill them. */
export async function stopCommand(options: { grace?: string; json?: boolean }, command: Command): Promise<number> {
  const graceMs = options.grace === undefined ? undefined : parseGrace(options.grace);
  const report = await stopDaemon(projectRootOf(command), graceMs === undefined ? {} : { graceMs });
  if (options.json === true) printJson({ was_running: report.wasRunning, pid: report.pid ?? null, killed: report.killed });
  else if (!report.wasRunning) printLines('No background agent is running for this project.');
  else printLines(`${colour.ok('✓')} Background agent stopped (pid ${report.pid ?? '?'})${report.killed ? ' — it did not stop within the grace period and was killed' : ''}`);
  return EXIT.OK;
}

/** `background-agent status`: exit 0 when a runner is alive, 1 when none is. */
export async function statusCommand(options: { json?: boolean }, command: Command): Promise<number> {
  const report = await runnerStatusReport(projectRootOf(command));
  if (options.json === true) {
    printJson({
      running: report.running,
      pid: report.pid ?? null,
      host: report.host ?? null,
      state: report.state ?? null,
      started_at: report.startedAt ?? null,
      uptime_ms: report.uptimeMs ?? null,
      heartbeat_at: report.heartbeatAt ?? null,
      watch_paths: report.watchPaths,
      counts: report.counts ?? null,
      log_file: report.logFile ?? null,
      stale: report.stale,
      stalled: report.stalled === undefined ? null : { heartbeat_age_ms: report.stalled.ageMs, stopped: report.stalled.stopped },
      unusable_status_file: report.unusable ?? null,
    });
  } else if (report.stalled !== undefined) {
    printErrorLines(stalledRunnerMessage(report.stalled));
  } else if (!report.running) {
    printLines(
      ...(report.unusable === undefined ? [] : [`The runner status file .tapps-agents/runner/status.json ${report.unusable}; it is ignored.`]),
      report.stale ? `No background agent is running (the last one, pid ${report.pid ?? '?'}, stopped without cleaning up).` : 'No background agent is running for this project.',
      'Start one with: tapps-agents background-agent start',
    );
  } else {
    const counts = report.counts;
    printLines(
      `Background agent running: pid ${report.pid ?? '?'} on ${report.host ?? '?'}, up ${Math.round((report.uptimeMs ?? 0) / 1000)}s`,
      `Watching: ${report.watchPaths.join(', ')}`,
      `Steps: ${counts?.claimed ?? 0} claimed, ${counts?.running ?? 0} running, ${counts?.finished ?? 0} completed, ${counts?.failed ?? 0} failed, ${counts?.refused ?? 0} refused`,
      ...(report.logFile === undefined ? [] : [`Log: ${report.logFile}`]),
    );
  }
  return report.running ? EXIT.OK : EXIT.FAILED;
}

/** The daemon's Prometheus registry, served on 127.0.0.1:`port`. */
async function serveDaemonMetrics(runner: Runner, port: number) {
  const [{ createDaemonMetrics }, { serveMetrics }] = await Promise.all([import('../../observability/daemon-metrics.js'), import('../../observability/metrics-server.js')]);
  const metrics = createDaemonMetrics({ slots: () => runner.slots, claimed: () => runner.counts.claimed });
  const server = await serveMetrics(metrics.registry, port);
  return { server, observeAttempt: metrics.observeAttempt };
}

function parseGrace(text: string): number {
  const ms = parseDuration(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  if (ms === undefined || ms < 0) throw new TappsError('USAGE', `--grace must be a duration such as 10s or 500ms, got ${JSON.stringify(text)}`);
  const tooLong = durationTooLong(ms);
  if (tooLong !== undefined) throw new TappsError('USAGE', `--grace must be ${tooLong}, got ${JSON.stringify(text)}`);
  return ms;
}
