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
