/**
 * tapps-agents as a library: run multi-step AI-coding workflows from a Node program, with the same defaults as the CLI
 * (metrics, audit and the debug log as the project's configuration says; no step left running when the program exits
 * or dies of a signal). docs/library.md walks through it, including how to implement a {@link Transport}.
 *
 * @example
 * ```ts
 * import { executeWorkflow, findProjectRoot, TappsError } from 'tapps-agents';
 *
 * const projectRoot = await findProjectRoot(process.cwd());
 * try {
 *   const { state } = await executeWorkflow({ projectRoot, file: 'workflows/feature.yaml', params: { feature: 'login' } });
 *   console.log(state.run_id, state.status); // e.g. "feature-20261202T101500Z-3fa2 succeeded"
 * } catch (error) {
 *   if (TappsError.is(error)) console.error(`${error.code}: ${error.message}`); // ERRORS says when each code happens
 *   else throw error;
 * }
 * ```
 *
 * Every export below is supported; anything reached by a deep import (`tapps-agents/dist/...`) is not.
 * @packageDocumentation
 */

// Errors: thrown ones (ERRORS) and step outcomes (STEP_ERRORS), each code documented with when it happens.
export { TappsError, ERRORS, ERROR_CODES, type ErrorCode } from './errors.js';
export { STEP_ERRORS, stepError, isStepErrorCode, type StepError, type StepErrorCode } from './step-errors.js';

// The project and its configuration.
export { findProjectRoot, configPaths } from './config/project-root.js';
export { resolveConfig, describeSource, type ResolvedConfig, type ResolvedSetting, type ResolveOptions, type SettingSource } from './config/resolve.js';
export { initProject, type InitOptions, type InitResult } from './config/init-project.js';
export { generateBackgroundAgentsConfig, type GenerateOptions, type GenerateResult } from './config/generate.js';
export { validateBackgroundAgentsConfig, type ValidateResult } from './runner/validate-agents-config.js';
export { formatProblem, type Problem } from './config/problem.js';
export { parseDuration, formatDuration, type DurationInput } from './config/duration.js';
export { configJsonSchemas } from './config/json-schema.js';
export { DEFAULTS } from './config/defaults.js';

// Workflows: load, run, resume, and control runs.
export { loadWorkflow, loadWorkflowOrThrow, type WorkflowLoadResult } from './workflow/load-workflow.js';
export type { Workflow, Step, StepCondition, Gate, GateTarget, OnError, RetryPolicy, Approval } from './workflow/model.js';
export { executeWorkflow, resumeWorkflow, type ExecuteWorkflowOptions, type RunOptions } from './workflow/run-workflow.js';
export type { RunReport } from './workflow/executor.js';
export { listRuns, runStatus, cancelRun, decideApproval, type RunListEntry, type RunStatusReport, type CancelReport, type ApprovalReport } from './workflow/run-control.js';
export { readRunState, displayedStatus, type RunState, type StepState, type RunStatus, type StepStatus, type RunEvent } from './workflow/run-state.js';
export { parseExpression, evaluateExpression, ExpressionSyntaxError, ExpressionEvaluationError, type Expression } from './workflow/expression.js';
export { systemClock, type Clock } from './workflow/clock.js';

// Transports: how a step attempt is handed to whoever runs it (implement Transport to add one).
export type { Transport, StepAttempt, AttemptOutcome } from './transport/transport.js';
export { createInlineTransport, type InlineTransportOptions } from './transport/inline.js';
export { FileTransport, type FileTransportOptions, type LocalRunner, type CommandWritten } from './transport/file.js';

// Background agents (runners) and the file protocol they speak (PRODUCT.md §3).
export { Runner, type RunnerOptions } from './runner/runner.js';
export { startDaemon, stopDaemon, runnerStatusReport, type RunnerStatusReport } from './runner/daemon.js';
export { findLiveRunner, readRunnerStatus, type RunnerStatus } from './protocol/runner-status.js';
export { executeCommandFile, type ExecuteCommandFileOptions, type ExecuteCommandFileResult } from './runner/execute-command-file.js';
export { parseCommandFile, formatCommandFile, type CommandFile } from './protocol/command-file.js';
export { parseStatusFile, formatStatus, readStatusFile, type StatusReport, type StatusReading } from './protocol/status-file.js';
export { protocolPaths, COMMAND_FILE_NAME, CLAIMED_FILE_NAME, STATUS_FILE_NAME } from './protocol/paths.js';

// Agents, their actions, and the engines model-backed actions call.
export { executeSkill } from './agents/execute-skill.js';
export { parseSkillCommand, formatSkillCommand, type SkillInvocation } from './protocol/skill-command.js';
export type { SkillContext, SkillResult, Correlation, RunSummary, RunSummaryStep } from './agents/skill.js';
export type { ActionDefinition, AnyAction } from './agents/action.js';
export { findAction, listActions, listAgents } from './agents/registry.js';
export { describeAgents, type AgentDescription, type ActionDescription, type ParamDescription } from './agents/describe-agents.js';
export { ENGINE_PRESETS, type EngineSpec } from './engines/engine-spec.js';
export type { Engine, EngineRequest, EngineResult } from './engines/engine.js';

// Observability: metrics, audit, status and health, as `auto-execution …` shows them.
export { AUDIT_EVENTS, silentObserver, type AuditEvent, type AuditEventName, type ExecutionObserver, type ExecutionRecord, type ExecutionStatus, type Logger, type Usage } from './observability/observer.js';
export { createObserver, type ObserverOptions } from './observability/create-observer.js';
export { redactSecrets, redactValue } from './redaction/redact.js';
export { executionHistory, executionMetrics, type HistoryOptions, type MetricsOptions, type MetricsReport } from './observability/execution-queries.js';
export type { HistoryQuery, HistoryResult } from './observability/metrics-history.js';
export type { MetricsSummary, AgentActionSummary, UsageSummary } from './observability/metrics-summary.js';
export { createAuditLog, type AuditLog, type AuditLogOptions, type AuditQuery, type AuditQueryResult } from './observability/audit-log.js';
export { autoExecutionStatus, type StatusOptions, type AutoExecutionStatusReport } from './project-status/execution-status.js';
export { runHealthChecks, healthExitCode, type HealthReport, type HealthCheck, type HealthStatus, type HealthOptions } from './health/health.js';
export { debugStatus, setDebugMode, type DebugReport } from './observability/debug-mode.js';

// Worktrees: per-step isolation in git worktrees (docs/worktrees.md).
export { cleanupWorktrees, type CleanupOptions, type CleanupReport, type CleanedWorktree } from './worktree/cleanup.js';
export { findWorktreeOrphans, type WorktreeOrphan } from './worktree/inventory.js';
