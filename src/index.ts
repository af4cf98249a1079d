// The public library API of tapps-agents: explicit named exports only.

export { TappsError, ERRORS, ERROR_CODES, type ErrorCode } from './errors.js';
export { STEP_ERRORS, stepError, isStepErrorCode, type StepError, type StepErrorCode } from './step-errors.js';
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
export { validateBackgroundAgentsConfig, type ValidateResult } from './runner/validate-agents-config.js';
export { initProject, type InitOptions, type InitResult } from './config/init-project.js';
export {
  generateBackgroundAgentsConfig,
  type GenerateOptions,
  type GenerateResult,
} from './config/generate.js';
export { formatProblem, type Problem } from './config/problem.js';
export { parseDuration, formatDuration, type DurationInput } from './config/duration.js';
export { configJsonSchemas } from './config/json-schema.js';
export { DEFAULTS } from './config/defaults.js';
export { loadWorkflow, loadWorkflowOrThrow, type WorkflowLoadResult } from './workflow/load-workflow.js';
export type { Workflow, Step, StepCondition, Gate, GateTarget, OnError, RetryPolicy, Approval } from './workflow/model.js';
export { executeWorkflow, resumeWorkflow, type ExecuteWorkflowOptions, type RunOptions } from './workflow/run-workflow.js';
export { executeRun, newRunState, prepareResume, type ExecuteRunOptions, type RunReport } from './workflow/executor.js';
export { listRuns, runStatus, cancelRun, decideApproval, type RunSummary as WorkflowRunSummary, type RunStatusReport, type CancelReport, type ApprovalReport } from './workflow/run-control.js';
export { readRunState, displayedStatus, type RunState, type StepState, type RunStatus, type StepStatus, type RunEvent } from './workflow/run-state.js';
export { runPaths, stepStateDir, newRunId, workflowStateRoot } from './workflow/run-paths.js';
export { parseExpression, evaluateExpression, ExpressionSyntaxError, ExpressionEvaluationError, type Expression } from './workflow/expression.js';
export { systemClock, type Clock } from './workflow/clock.js';
export { createInlineTransport, type InlineTransportOptions } from './transport/inline.js';
export { selectTransport, type SelectTransportOptions } from './workflow/select-transport.js';
export { FileTransport, type FileTransportOptions, type CommandWritten } from './transport/file.js';
export { Runner, type RunnerOptions } from './runner/runner.js';
export { startDaemon, stopDaemon, runnerStatusReport, type RunnerStatusReport } from './runner/daemon.js';
export { findLiveRunner, readRunnerStatus, type RunnerStatus } from './protocol/runner-status.js';
export { executeCommandFile, type ExecuteCommandFileOptions, type ExecuteCommandFileResult } from './runner/execute-command-file.js';
export { parseCommandFile, formatCommandFile, type CommandFile } from './protocol/command-file.js';
export { parseStatus as parseStatusFile, formatStatus, readStatusFile, type StatusReport as StatusFileReport, type StatusReading } from './protocol/status-file.js';
export { protocolPaths, COMMAND_FILE_NAME, CLAIMED_FILE_NAME, STATUS_FILE_NAME } from './protocol/paths.js';
export { executeSkill } from './agents/execute-skill.js';
export { parseSkillCommand, formatSkillCommand, type SkillInvocation } from './protocol/skill-command.js';
export type { SkillContext, SkillResult, Correlation, RunSummary, RunSummaryStep } from './agents/skill.js';
export type { ActionDefinition, AnyAction } from './agents/action.js';
export { findAction, listActions, listAgents, explainUnknownAction } from './agents/registry.js';
export { describeAgents, type AgentDescription, type ActionDescription, type ParamDescription } from './agents/describe-agents.js';
export { preflightEngines, type PreflightStep } from './agents/preflight-engines.js';
export { selectEngine, type EngineSelection, type SelectEngineInput } from './engines/select-engine.js';
export { ENGINE_PRESETS, type EngineSpec } from './engines/engine-spec.js';
export type { Engine, EngineRequest, EngineResult } from './engines/engine.js';
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
export { redactSecrets, redactValue } from './redaction/redact.js';
export { createObserver, type ObserverOptions } from './observability/create-observer.js';
export { createMetricsStore, type MetricsStore, type PruneResult } from './observability/metrics-store.js';
export type { HistoryQuery, HistoryResult } from './observability/metrics-history.js';
export type { MetricsSummary, AgentActionSummary, UsageSummary } from './observability/metrics-summary.js';
export { createAuditLog, type AuditLog, type AuditLogOptions, type AuditQuery, type AuditQueryResult } from './observability/audit-log.js';
export { executionHistory, executionMetrics, type HistoryOptions, type MetricsOptions, type MetricsReport } from './observability/execution-queries.js';
export { autoExecutionStatus, type StatusOptions, type StatusReport } from './observability/execution-status.js';
export { fileStatusSources, type StatusSources, type ActiveRun, type RunningStep, type RunnerInfo } from './observability/status-sources.js';
export { runHealthChecks, healthExitCode, type HealthReport, type HealthCheck, type HealthStatus, type HealthOptions } from './health/health.js';
export { debugStatus, setDebugMode, type DebugReport } from './observability/debug-mode.js';
export { parseSince, parseStatus, type RecordFilter } from './observability/record-filter.js';
export { StepIsolation, type StepIsolationOptions, type StepWorkspace, type LeaveReport } from './worktree/step-isolation.js';
export { detectIsolation, type RunIsolation, type GitIsolation, type PlainIsolation, type PlainReason } from './worktree/isolation.js';
export { createStepWorktree, type StepWorktree, type StepWorktreeRequest } from './worktree/create-step-worktree.js';
export { finishStepWorktree, type FinishReport, type FinishStepOptions } from './worktree/finish-step-worktree.js';
export { cleanupWorktrees, type CleanupOptions, type CleanupReport, type CleanedWorktree } from './worktree/cleanup.js';
export { findWorktreeOrphans, readWorktreeInventory, type WorktreeOrphan, type WorktreeInventory } from './worktree/inventory.js';
export { checkWorktrees, type WorktreeHealthCheck } from './worktree/worktree-health.js';
export { isRunActive } from './workflow/run-activity.js';
export { compileWorktreeSettings, type WorktreeSettings } from './worktree/worktree-settings.js';
export type { ReturnMode, ReturnReport, OutputConflict } from './worktree/return-outputs.js';
export type { SetupCommand, SetupReport } from './worktree/setup-command.js';
