// One resolved configuration from the three files, a workflow and CLI flags, remembering where each value came from.
// Precedence (PRODUCT.md §4): CLI flag > workflow metadata > auto_execution_config.yaml > config.yaml > defaults.

import { TappsError } from '../errors.js';
import { autoExecutionConfigRules, autoExecutionConfigSchema, type AutoExecutionConfigFile } from './auto-execution-config.js';
import { backgroundAgentsConfigRules, backgroundAgentsConfigSchema, type BackgroundAgentsConfigFile } from './background-agents-config.js';
import { loadConfigFile, type ConfigFileResult } from './config-file.js';
import { DEFAULTS } from './defaults.js';
import { formatDuration, parseDuration, type DurationInput } from './duration.js';
import { formatProblem, sortProblems, type Problem } from './problem.js';
import { type ConfigFileStamp, stampConfigFiles } from './config-stamps.js';
import { configPaths } from './project-root.js';
import { projectConfigSchema, type ProjectConfigFile } from './project-config.js';
import { hasKey } from './yaml-source.js';
import { describeSource, fileSource, type SettingSource } from './setting-source.js';
import { maskRedisUrl } from './redis-url.js';

export { describeSource, type SettingSource } from './setting-source.js';

/** One resolved value and its origin, as `config show` prints it. */
export interface ResolvedSetting {
  key: string;
  value: boolean | number | string;
  /** The value as a person would write it ("5s" for 5000 ms). */
  display: string;
  source: SettingSource;
  /**
   * Lower-precedence places that also set this key, highest first, each with the value it would have given: what
   * `config show` flags as overridden (a config.yaml key outranked by auto_execution_config.yaml, say). Absent when none.
   */
  overridden?: { key: string; display: string; source: SettingSource }[];
  /** The key as written where the value came from (`workflow.timeout_seconds` in config.yaml), when from a file. */
  fileKey?: string;
}

/** Everything the engine and runner need, with durations in milliseconds. */
export interface ResolvedConfig {
  projectRoot: string;
  autoExecution: {
    enabled: boolean;
    retry: { enabled: boolean; maxAttempts: number; backoffMultiplier: number; initialDelayMs: number };
    polling: { enabled: boolean; intervalMs: number; timeoutMs: number };
    features: Record<keyof typeof DEFAULTS.autoExecution.features, boolean>;
  };
  /** `transport`: how steps reach whoever runs them when auto-execution is on (resolveConfig always sets it). @default 'file' */
  workflow: { concurrency: number; worktrees: boolean; runner: 'auto' | 'embedded' | 'external'; transport?: 'file' | 'queue' };
  /** The queue transport's settings (resolveConfig always sets them); `url` may hold a password: show it only through maskRedisUrl. */
  queue?: ResolvedQueueConfig;
  /** `project.id` as configured; when unset the queue derives it from the git origin URL (src/queue/project-id.ts). */
  project?: { id?: string };
  /** `contextBudget`: characters of input content in a model step's prompt (resolveConfig always sets it). @default 96000 */
  agents: { defaultEngine: string; contextBudget?: number; byAgent: Record<string, { engine?: string; model?: string }> };
  engines: ProjectConfigFile['engines'];
  /** Secret names and value patterns the project adds to the built-in redaction (`redaction:` in config.yaml). */
  redaction?: { secretNames: string[]; patterns: string[] };
  /** The background agents file, when present and valid. */
  backgroundAgents: BackgroundAgentsConfigFile | undefined;
  /** Every resolved value with its source, in a stable order. */
  settings: ResolvedSetting[];
  /** Warnings found while loading (errors throw). */
  warnings: Problem[];
  /** The configuration files as they were when resolved (lets a runner's child tell whether they changed since). */
  files?: ConfigFileStamp[];
}

/** The queue transport's settings, durations in milliseconds. */
export interface ResolvedQueueConfig {
  url: string;
  prefix: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  maxChangesBytes: number;
}

/** Inputs above the files in precedence. */
export interface ResolveOptions {
  projectRoot: string;
  /** `--auto` (true) or `--no-auto` (false). */
  autoFlag?: boolean;
  /** A workflow's `metadata.auto_execution`, with its location. */
  workflowAutoExecution?: { value: boolean; file: string; line: number; col: number };
  /** `--transport file|queue`. */
  transportFlag?: 'file' | 'queue';
  /** Where TAPPS_AGENTS_REDIS_URL is read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

type Kind = 'boolean' | 'number' | 'duration' | 'string';

interface SettingSpec {
  key: string;
  kind: Kind;
  default: boolean | number | string;
  /** Path in auto_execution_config.yaml. */
  aec?: readonly string[];
  /** Path in config.yaml. */
  cfg?: readonly string[];
  /** An environment variable that outranks the files. */
  env?: string;
  /** A secret may be part of the value: shown through this. */
  mask?: (value: string) => string;
}

const ae = DEFAULTS.autoExecution;
const SETTINGS: readonly SettingSpec[] = [
  { key: 'auto_execution.enabled', kind: 'boolean', default: ae.enabled, aec: ['auto_execution', 'enabled'], cfg: ['workflow', 'auto_execution_enabled'] },
  { key: 'polling.enabled', kind: 'boolean', default: ae.polling.enabled, aec: ['auto_execution', 'polling', 'enabled'] },
  { key: 'polling.interval', kind: 'duration', default: ae.polling.intervalSeconds, aec: ['auto_execution', 'polling', 'interval_seconds'], cfg: ['workflow', 'polling_interval'] },
  { key: 'polling.timeout', kind: 'duration', default: ae.polling.timeoutSeconds, aec: ['auto_execution', 'polling', 'timeout_seconds'], cfg: ['workflow', 'timeout_seconds'] },
  { key: 'retry.enabled', kind: 'boolean', default: ae.retry.enabled, aec: ['auto_execution', 'retry', 'enabled'] },
  { key: 'retry.max_attempts', kind: 'number', default: ae.retry.maxAttempts, aec: ['auto_execution', 'retry', 'max_attempts'] },
  { key: 'retry.backoff_multiplier', kind: 'number', default: ae.retry.backoffMultiplier, aec: ['auto_execution', 'retry', 'backoff_multiplier'] },
  { key: 'retry.initial_delay', kind: 'duration', default: ae.retry.initialDelaySeconds, aec: ['auto_execution', 'retry', 'initial_delay_seconds'] },
  ...Object.entries(ae.features).map(([name, value]): SettingSpec => ({ key: `features.${name}`, kind: 'boolean', default: value, aec: ['auto_execution', 'features', name] })),
  { key: 'workflow.concurrency', kind: 'number', default: DEFAULTS.workflow.concurrency, cfg: ['workflow', 'concurrency'] },
  { key: 'workflow.worktrees', kind: 'boolean', default: DEFAULTS.workflow.worktrees, cfg: ['workflow', 'worktrees'] },
  { key: 'workflow.runner', kind: 'string', default: DEFAULTS.workflow.runner, cfg: ['workflow', 'runner'] },
  { key: 'workflow.transport', kind: 'string', default: DEFAULTS.workflow.transport, cfg: ['workflow', 'transport'] },
  { key: 'queue.url', kind: 'string', default: DEFAULTS.queue.url, cfg: ['queue', 'url'], env: DEFAULTS.queue.urlVariable, mask: maskRedisUrl },
  { key: 'queue.prefix', kind: 'string', default: DEFAULTS.queue.prefix, cfg: ['queue', 'prefix'] },
  { key: 'queue.lock_duration', kind: 'duration', default: DEFAULTS.queue.lockDurationSeconds, cfg: ['queue', 'lock_duration'] },
  { key: 'queue.stalled_interval', kind: 'duration', default: DEFAULTS.queue.stalledIntervalSeconds, cfg: ['queue', 'stalled_interval'] },
  { key: 'queue.max_stalled_count', kind: 'number', default: DEFAULTS.queue.maxStalledCount, cfg: ['queue', 'max_stalled_count'] },
  { key: 'queue.max_changes_bytes', kind: 'number', default: DEFAULTS.queue.maxChangesBytes, cfg: ['queue', 'max_changes_bytes'] },
  { key: 'project.id', kind: 'string', default: '', cfg: ['project', 'id'] },
  { key: 'agents.default_engine', kind: 'string', default: DEFAULTS.agents.defaultEngine, cfg: ['agents', 'default_engine'] },
  { key: 'agents.context_budget', kind: 'number', default: DEFAULTS.agents.contextBudget, cfg: ['agents', 'context_budget'] },
];

/** The three configuration files of a project, loaded and validated. */
export interface LoadedConfigFiles {
  projectConfig: ConfigFileResult<ProjectConfigFile>;
  autoExecutionConfig: ConfigFileResult<AutoExecutionConfigFile>;
  backgroundAgents: ConfigFileResult<BackgroundAgentsConfigFile>;
}

/** Loads and validates the three configuration files (missing files are not problems here). */
export async function loadConfigFiles(projectRoot: string): Promise<LoadedConfigFiles> {
  const paths = configPaths(projectRoot);
  const [projectConfig, autoExecutionConfig, backgroundAgents] = await Promise.all([
    loadConfigFile(paths.projectConfig, projectConfigSchema),
    loadConfigFile(paths.autoExecutionConfig, autoExecutionConfigSchema, autoExecutionConfigRules),
    loadConfigFile(paths.backgroundAgents, backgroundAgentsConfigSchema, backgroundAgentsConfigRules),
  ]);
  return { projectConfig, autoExecutionConfig, backgroundAgents };
}

/**
 * Loads the project's configuration and resolves every setting by precedence.
 * @throws {TappsError} CONFIG_INVALID when any file has errors; the message lists every problem as file:line:col.
 */
export async function resolveConfig(options: ResolveOptions): Promise<ResolvedConfig> {
  const stamps = await stampConfigFiles(options.projectRoot);
  const files = await loadConfigFiles(options.projectRoot);
  const problems = sortProblems([files.projectConfig, files.autoExecutionConfig, files.backgroundAgents].flatMap((file) => file.problems));
  const settings = SETTINGS.map((spec) => resolveSetting(spec, files, options));
  problems.push(...crossFileProblems(settings));
  throwIfErrors(problems);

  const value = (key: string) => settings.find((setting) => setting.key === key)?.value;
  const bool = (key: string) => value(key) === true;
  const num = (key: string) => Number(value(key));
  const project = files.projectConfig.value;
  const { default_engine: _defaultEngine, context_budget: _contextBudget, ...byAgent } = project?.agents ?? {};
  for (const [agent, agentSettings] of Object.entries(byAgent)) {
    if (agentSettings.engine !== undefined) {
      settings.push({ key: `agents.${agent}.engine`, value: agentSettings.engine, display: agentSettings.engine, source: fileSource(files.projectConfig, ['agents', agent, 'engine']) });
    }
  }
  return {
    projectRoot: options.projectRoot,
    autoExecution: {
      enabled: bool('auto_execution.enabled'),
      retry: { enabled: bool('retry.enabled'), maxAttempts: num('retry.max_attempts'), backoffMultiplier: num('retry.backoff_multiplier'), initialDelayMs: num('retry.initial_delay') },
      polling: { enabled: bool('polling.enabled'), intervalMs: num('polling.interval'), timeoutMs: num('polling.timeout') },
      features: Object.fromEntries(Object.keys(ae.features).map((name) => [name, bool(`features.${name}`)])) as ResolvedConfig['autoExecution']['features'],
    },
    workflow: { concurrency: num('workflow.concurrency'), worktrees: bool('workflow.worktrees'), runner: value('workflow.runner') as ResolvedConfig['workflow']['runner'], transport: value('workflow.transport') as 'file' | 'queue' },
    queue: {
      url: rawQueueUrl(files, options),
      prefix: String(value('queue.prefix')),
      lockDurationMs: num('queue.lock_duration'),
      stalledIntervalMs: num('queue.stalled_interval'),
      maxStalledCount: num('queue.max_stalled_count'),
      maxChangesBytes: num('queue.max_changes_bytes'),
    },
    project: project?.project.id === undefined ? {} : { id: project.project.id },
    agents: { defaultEngine: String(value('agents.default_engine')), contextBudget: num('agents.context_budget'), byAgent: stripUndefined(byAgent) },
    engines: project?.engines ?? {},
    redaction: { secretNames: project?.redaction.secret_names ?? [], patterns: project?.redaction.patterns ?? [] },
    backgroundAgents: files.backgroundAgents.value,
    settings,
    warnings: problems,
    files: stamps,
  };
}

/** The queue URL with its password (the resolved setting shows it masked): variable > config.yaml > default. */
function rawQueueUrl(files: LoadedConfigFiles, options: ResolveOptions): string {
  const fromEnv = (options.env ?? process.env)[DEFAULTS.queue.urlVariable];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return files.projectConfig.value?.queue.url ?? DEFAULTS.queue.url;
}

/** Throws CONFIG_INVALID listing every error (warnings stay with the caller). */
export function throwIfErrors(problems: readonly Problem[]): void {
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (errors.length === 0) return;
  const noun = errors.length === 1 ? 'problem' : 'problems';
  throw new TappsError('CONFIG_INVALID', `Configuration is invalid (${errors.length} ${noun}):\n${errors.map(formatProblem).join('\n')}`, {
    details: { problems: errors },
  });
}

/** The value of one setting: the first place that sets it, in precedence order, wins; the others are `overridden`. */
function resolveSetting(spec: SettingSpec, files: LoadedConfigFiles, options: ResolveOptions): ResolvedSetting {
  const make = (raw: unknown, source: SettingSource): ResolvedSetting => {
    const parsed = spec.kind === 'duration' ? (parseDuration(raw as DurationInput) ?? 0) : (raw as boolean | number | string);
    const value = spec.mask === undefined ? parsed : spec.mask(String(parsed));
    return { key: spec.key, value, display: spec.kind === 'duration' ? formatDuration(value as number) : String(value), source };
  };
  const candidates: ResolvedSetting[] = [];
  if (spec.key === 'workflow.transport' && options.transportFlag !== undefined) candidates.push(make(options.transportFlag, { kind: 'flag', flag: `--transport ${options.transportFlag}` }));
  const fromEnv = spec.env === undefined ? undefined : (options.env ?? process.env)[spec.env];
  if (spec.env !== undefined && fromEnv !== undefined && fromEnv !== '') candidates.push(make(fromEnv, { kind: 'env', variable: spec.env }));
  if (spec.key === 'auto_execution.enabled') {
    if (options.autoFlag !== undefined) candidates.push(make(options.autoFlag, { kind: 'flag', flag: options.autoFlag ? '--auto' : '--no-auto' }));
    const fromWorkflow = options.workflowAutoExecution;
    if (fromWorkflow !== undefined) candidates.push(make(fromWorkflow.value, { kind: 'workflow', file: fromWorkflow.file, line: fromWorkflow.line, col: fromWorkflow.col }));
  }
  for (const [file, keyPath] of [[files.autoExecutionConfig, spec.aec], [files.projectConfig, spec.cfg]] as const) {
    if (keyPath === undefined || file.value === undefined || file.source === undefined || !hasKey(file.source, keyPath)) continue;
    candidates.push({ ...make(valueAt(file.value, keyPath), fileSource(file, keyPath)), fileKey: keyPath.join('.') });
  }
  const [winner, ...overridden] = candidates;
  if (winner === undefined) return make(spec.default, { kind: 'default' });
  return overridden.length === 0 ? winner : { ...winner, overridden: overridden.map((lower) => ({ key: lower.fileKey ?? lower.key, display: lower.display, source: lower.source })) };
}

/** "file:line:col key (value) is overridden by file:line:col key (value)" for each overridden place of `setting`. */
export function describeOverrides(setting: ResolvedSetting): string[] {
  const winner = `${describeSource(setting.source)}${setting.fileKey === undefined ? '' : ` ${setting.fileKey}`} (${setting.display})`;
  return (setting.overridden ?? []).map((lower) => `${describeSource(lower.source)} ${lower.key} (${lower.display}) is overridden by ${winner}, which takes precedence`);
}

function crossFileProblems(settings: readonly ResolvedSetting[]): Problem[] {
  const get = (key: string) => settings.find((setting) => setting.key === key);
  const interval = get('polling.interval');
  const timeout = get('polling.timeout');
  const problems: Problem[] = [];
  if (interval && timeout && Number(timeout.value) < Number(interval.value)) {
    problems.push(problemFromSetting(timeout, `polling.timeout (${timeout.display}) must be at least polling.interval (${interval.display}, from ${describeSource(interval.source)})`));
  }
  const enabled = get('auto_execution.enabled');
  const polling = get('polling.enabled');
  if (enabled?.value === true && polling?.value === false) {
    problems.push(problemFromSetting(polling, `polling.enabled must be true when auto_execution.enabled is true (set by ${describeSource(enabled.source)})`));
  }
  return problems;
}

function problemFromSetting(setting: ResolvedSetting, message: string): Problem {
  const source = setting.source;
  if (source.kind === 'file' || source.kind === 'workflow') return { severity: 'error', file: source.file, line: source.line, col: source.col, path: setting.key, message };
  return { severity: 'error', file: describeSource(source), path: setting.key, message };
}

function valueAt(value: unknown, keyPath: readonly string[]): unknown {
  let current = value;
  for (const segment of keyPath) current = (current as Record<string, unknown> | undefined)?.[segment];
  return current;
}

function stripUndefined(byAgent: Record<string, { engine?: string | undefined; model?: string | undefined }>) {
  return Object.fromEntries(
    Object.entries(byAgent).map(([agent, settings]) => [agent, Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as { engine?: string; model?: string }]),
  );
}
