// The public library API of tapps-agents: explicit named exports only.

export { TappsError, ERROR_CODES, type ErrorCode } from './errors.js';
export { findProjectRoot, configPaths } from './config/project-root.js';
export {
  resolveConfig,
  loadConfigFiles,
  describeSource,
  type ResolvedConfig,
  type ResolvedSetting,
  type ResolveOptions,
  type SettingSource,
} from './config/resolve.js';
export { initProject, type InitOptions, type InitResult } from './config/init-project.js';
export {
  generateBackgroundAgentsConfig,
  validateBackgroundAgentsConfig,
  type GenerateOptions,
  type GenerateResult,
  type ValidateResult,
} from './config/generate.js';
export { formatProblem, type Problem } from './config/problem.js';
export { parseDuration, formatDuration, type DurationInput } from './config/duration.js';
export { configJsonSchemas } from './config/json-schema.js';
export { DEFAULTS } from './config/defaults.js';
export {
  AUDIT_EVENTS,
  silentObserver,
  type AuditEvent,
  type AuditEventName,
  type ExecutionObserver,
  type ExecutionRecord,
  type ExecutionStatus,
  type Logger,
  type Usage,
} from './observability/observer.js';
export { redactSecrets, redactValue } from './observability/redact.js';
export { createObserver, type ObserverOptions } from './observability/create-observer.js';
export { createMetricsStore, type MetricsStore, type PruneResult } from './observability/metrics-store.js';
export type { HistoryQuery, HistoryResult } from './observability/metrics-history.js';
export type { MetricsSummary, AgentActionSummary, UsageSummary } from './observability/metrics-summary.js';
export { createAuditLog, type AuditLog, type AuditLogOptions, type AuditQuery, type AuditQueryResult } from './observability/audit-log.js';
export { executionHistory, executionMetrics, type HistoryOptions, type MetricsOptions, type MetricsReport } from './observability/execution-queries.js';
export { autoExecutionStatus, type StatusOptions, type StatusReport } from './observability/execution-status.js';
export { fileStatusSources, type StatusSources, type ActiveRun, type RunningStep, type RunnerInfo } from './observability/status-sources.js';
export { runHealthChecks, healthExitCode, type HealthReport, type HealthCheck, type HealthStatus, type HealthOptions } from './observability/health.js';
export { debugStatus, setDebugMode, type DebugReport } from './observability/debug-mode.js';
export { parseSince, parseStatus, type RecordFilter } from './observability/record-filter.js';
