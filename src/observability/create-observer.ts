// The real ExecutionObserver: metrics and audit files honouring the feature flags, and the debug logger. It never
// throws into the executor or the runner; a failure to record is logged (when debug is on) and the run goes on.

import type { ResolvedConfig } from '../config/resolve.js';
import { createAuditLog, type AuditLogOptions } from './audit-log.js';
import { createDebugLogger } from './debug-logger.js';
import { createDebugSwitch } from './debug-mode.js';
import { createMetricsStore } from './metrics-store.js';
import type { ExecutionObserver } from './observer.js';
import { configureRedaction } from '../redaction/redact.js';

/** Options of {@link createObserver}. */
export interface ObserverOptions {
  /** Who reports: "executor" (default) or "runner-<id>"; names the debug log file. */
  actor?: string;
  /** Audit rotation settings (tests use a small size). */
  audit?: AuditLogOptions;
}

/**
 * The observer for a project: one metrics line per step attempt (when `features.metrics_collection`), audit events
 * (when `features.audit_logging`; `execution.heartbeat` only in debug mode), and a logger that writes `.tapps-agents/logs/<actor>.log` while debug mode is on.
 * @example
 * const observer = createObserver(config.projectRoot, config, { actor: 'executor' });
 * await observer.audit({ event: 'execution.started', workflow_id, run_id, step_id, attempt: 1, actor: 'executor' });
 */
export function createObserver(projectRoot: string, config: Pick<ResolvedConfig, 'autoExecution' | 'redaction'>, options: ObserverOptions = {}): ExecutionObserver {
  // Every process that persists anything creates its observer from the configuration: the place to extend redaction.
  if (config.redaction !== undefined) configureRedaction(config.redaction);
  const debugSwitch = createDebugSwitch(projectRoot);
  const logger = createDebugLogger(projectRoot, { debugSwitch, ...(options.actor === undefined ? {} : { actor: options.actor }) });
  const features = config.autoExecution.features;
  const metrics = features.metrics_collection ? createMetricsStore(projectRoot) : undefined;
  const audit = features.audit_logging ? createAuditLog(projectRoot, options.audit) : undefined;
  return {
    logger,
    async recordExecution(record) {
      // Debug mode shows every attempt as it finishes, whatever the feature flags say about files.
      logger.debug('step attempt finished', { ...record });
      if (metrics === undefined) return;
      try {
        await metrics.append(record);
      } catch (error) {
        logger.error('could not record execution metrics', { error: describe(error), execution_id: record.execution_id, file: metrics.dir });
      }
    },
    async audit(event) {
      const { actor: reporter, ...fields } = event; // the logger names its own actor
      logger.debug(event.event, { ...fields, ...(reporter === undefined ? {} : { reporter }) });
      if (audit === undefined) return;
      // Heartbeats are frequent: they go to the audit log only in debug mode (PRODUCT.md §6).
      if (event.event === 'execution.heartbeat' && !debugSwitch.enabled()) return;
      try {
        await audit.append(event);
      } catch (error) {
        logger.error('could not write audit event', { error: describe(error), event: event.event, file: audit.file });
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
