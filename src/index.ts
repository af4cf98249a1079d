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
export { StepIsolation, type StepIsolationOptions, type StepWorkspace, type LeaveReport } from './worktree/step-isolation.js';
export { detectIsolation, type RunIsolation, type GitIsolation, type PlainIsolation, type PlainReason } from './worktree/isolation.js';
export { createStepWorktree, type StepWorktree, type StepWorktreeRequest } from './worktree/create-step-worktree.js';
export { finishStepWorktree, type FinishReport, type FinishStepOptions } from './worktree/finish-step-worktree.js';
export { cleanupWorktrees, type CleanupOptions, type CleanupReport, type CleanedWorktree } from './worktree/cleanup.js';
export { findWorktreeOrphans, readWorktreeInventory, type WorktreeOrphan, type WorktreeInventory } from './worktree/inventory.js';
export { checkWorktrees, type WorktreeHealthCheck } from './worktree/worktree-health.js';
export { isRunActive } from './worktree/run-activity.js';
export { compileWorktreeSettings, type WorktreeSettings } from './worktree/worktree-settings.js';
export type { ReturnMode, ReturnReport, OutputConflict } from './worktree/return-outputs.js';
export type { SetupCommand, SetupReport } from './worktree/setup-command.js';
