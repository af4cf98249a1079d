// `.tapps-agents/auto_execution_config.yaml`: the seed's auto-execution switches, with the original's validation rules.

import { z } from 'zod';
import { AUTO_EXECUTION_CONFIG_VERSION, DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import { durationSchema } from './duration-schema.js';
import type { ConfigRule } from './config-file.js';
import { problemAt } from './yaml-source.js';

const d = DEFAULTS.autoExecution;

const flag = (description: string, value: boolean) => z.boolean().default(value).describe(description);

export const autoExecutionConfigSchema = z
  .strictObject({
    auto_execution: z
      .strictObject({
        enabled: flag('Run workflow steps through background agents.', d.enabled),
        retry: z
          .strictObject({
            enabled: flag('Retry failed step attempts.', d.retry.enabled),
            max_attempts: z.int().min(1).default(d.retry.maxAttempts).describe('Attempts per step, the first included.'),
            backoff_multiplier: z.number().min(1).default(d.retry.backoffMultiplier).describe('Each delay is the previous one times this.'),
            initial_delay_seconds: durationSchema({ allowZero: true }).default(d.retry.initialDelaySeconds).describe('Delay before the first retry.'),
          })
          .prefault({})
          .describe('Retry policy for failed step attempts.'),
        polling: z
          .strictObject({
            enabled: flag('Detect completion by polling as well as file events.', d.polling.enabled),
            interval_seconds: durationSchema().default(d.polling.intervalSeconds).describe('Fallback polling interval; completion is event-driven.'),
            timeout_seconds: durationSchema().default(d.polling.timeoutSeconds).describe('Longest a step attempt may take.'),
          })
          .prefault({})
          .describe('Completion detection.'),
        features: z
          .strictObject({
            artifact_detection: flag('A step completes only when all its expected artifacts exist and are new.', d.features.artifact_detection),
            status_tracking: flag('Write running/terminal status files with heartbeats.', d.features.status_tracking),
            error_handling: flag('Apply on_error policies and retries.', d.features.error_handling),
            metrics_collection: flag('Record one metrics line per step attempt.', d.features.metrics_collection),
            audit_logging: flag('Write the audit log.', d.features.audit_logging),
          })
          .prefault({})
          .describe('Feature flags.'),
        version: z.union([z.string(), z.number()]).optional().describe(`File format version; this release writes "${AUTO_EXECUTION_CONFIG_VERSION}".`),
      })
      .prefault({})
      .describe('Auto-execution settings.'),
  })
  .describe('tapps-agents auto-execution configuration (.tapps-agents/auto_execution_config.yaml)');

export type AutoExecutionConfigFile = z.output<typeof autoExecutionConfigSchema>;

/** The original's rules: timeout ≥ interval, and polling must be on when auto-execution is on. Plus version checks. */
export const autoExecutionConfigRules: readonly ConfigRule<AutoExecutionConfigFile>[] = [
  function timeoutAtLeastInterval({ auto_execution: { polling } }, source) {
    const interval = parseDuration(polling.interval_seconds) ?? 0;
    const timeout = parseDuration(polling.timeout_seconds) ?? 0;
    if (timeout >= interval) return [];
    return [problemAt(source, ['auto_execution', 'polling', 'timeout_seconds'], `must be at least polling.interval_seconds (${String(polling.interval_seconds)}), got ${String(polling.timeout_seconds)}`)];
  },
  function pollingOnWhenEnabled({ auto_execution: config }, source) {
    if (!config.enabled || config.polling.enabled) return [];
    return [problemAt(source, ['auto_execution', 'polling', 'enabled'], 'must be true when auto_execution.enabled is true (completion could never be detected)')];
  },
  function knownVersion({ auto_execution: { version } }, source) {
    const path = ['auto_execution', 'version'];
    if (version === undefined) {
      return [problemAt(source, ['auto_execution'], `has no version; read as version "${AUTO_EXECUTION_CONFIG_VERSION}" (add version: "${AUTO_EXECUTION_CONFIG_VERSION}" to silence this)`, { severity: 'warning', atKey: true })];
    }
    const number = Number(version);
    if (!Number.isFinite(number)) return [problemAt(source, path, `expected a version like "${AUTO_EXECUTION_CONFIG_VERSION}", got ${JSON.stringify(version)}`)];
    if (number > Number(AUTO_EXECUTION_CONFIG_VERSION)) {
      return [problemAt(source, path, `version "${version}" is newer than this tapps-agents reads ("${AUTO_EXECUTION_CONFIG_VERSION}"); upgrade tapps-agents`)];
    }
    if (number < Number(AUTO_EXECUTION_CONFIG_VERSION)) {
      return [problemAt(source, path, `version "${version}" is migrated to "${AUTO_EXECUTION_CONFIG_VERSION}" on read (same keys); set version: "${AUTO_EXECUTION_CONFIG_VERSION}" to silence this`, { severity: 'warning' })];
    }
    return [];
  },
];
