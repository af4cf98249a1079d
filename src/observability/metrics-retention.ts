// How long execution metrics are kept: `metrics.retention_days` in .tapps-agents/config.yaml.

import { loadConfigFiles, throwIfErrors } from '../config/resolve.js';
import { DEFAULTS } from '../config/defaults.js';

/**
 * The project's metrics retention in days.
 * @throws {TappsError} CONFIG_INVALID when .tapps-agents/config.yaml has errors.
 */
export async function metricsRetentionDays(projectRoot: string): Promise<number> {
  const { projectConfig } = await loadConfigFiles(projectRoot);
  throwIfErrors(projectConfig.problems);
  return projectConfig.value?.metrics.retention_days ?? DEFAULTS.metrics.retentionDays;
}
