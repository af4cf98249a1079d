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
export { FileTransport, type FileTransportOptions, type CommandWritten } from './transport/file.js';
export { Runner, type RunnerOptions } from './runner/runner.js';
export { startDaemon, stopDaemon, runnerStatusReport, type RunnerStatusReport } from './runner/daemon.js';
export { findLiveRunner, readRunnerStatus, type RunnerStatus } from './runner/runner-status.js';
export { executeCommandFile, type ExecuteCommandFileOptions, type ExecuteCommandFileResult } from './runner/execute-command-file.js';
export { parseCommandFile, formatCommandFile, type CommandFile } from './protocol/command-file.js';
export { parseStatus, formatStatus, readStatusFile, type StatusReport, type StatusReading } from './protocol/status-file.js';
export { protocolPaths, COMMAND_FILE_NAME, CLAIMED_FILE_NAME, STATUS_FILE_NAME } from './protocol/paths.js';
