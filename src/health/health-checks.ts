// The individual health checks behind `auto-execution health`. Each reads only; none creates or changes a file.

import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULTS } from '../config/defaults.js';
import { formatDuration } from '../config/duration.js';
import { validateBackgroundAgentsConfig } from '../runner/validate-agents-config.js';
import { formatProblem, type Problem } from '../config/problem.js';
import { configPaths } from '../config/project-root.js';
import { loadConfigFiles, resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { TappsError } from '../errors.js';
import type { FreeSpace, HealthCheck } from './health-check.js';
import { observabilityPaths } from '../observability/layout.js';
import { findFilesUnder, findProtocolFiles } from '../observability/protocol-files.js';
import { compileWatchPaths } from '../runner/watch-paths.js';
import { COMMAND_FILE_NAME, STATUS_FILE_NAME } from '../protocol/paths.js';
import { readRunnerStatusFile, runnerIsAlive, runnerStall, runnerStatusFile, stalledRunnerMessage } from '../protocol/runner-status.js';
import { readRegularFile } from '../fs/read-regular-file.js';

/** What every check needs. */
export interface HealthContext {
  projectRoot: string;
  now: () => number;
  statfs?: (path: string) => Promise<FreeSpace>;
}

/** Settings the later checks use, from the resolved configuration (defaults when it is invalid). */
export interface HealthSettings {
  pollingIntervalMs: number;
  runner: 'auto' | 'embedded' | 'external';
  watchPaths: string[];
  /** The resolved configuration, when it resolves (the queue checks need it). */
  config?: ResolvedConfig;
}

/** Below this much free space the project is unhealthy. */
export const DISK_UNHEALTHY_BYTES = 100 * 1024 * 1024;
/** Below this much free space the project is degraded. */
export const DISK_DEGRADED_BYTES = 1024 * 1024 * 1024;
/** A command file waiting unclaimed longer than this (or two polling intervals, if longer) is reported. */
export const UNCLAIMED_THRESHOLD_MS = 60_000;

const GENERATE = 'tapps-agents background-agent-config generate';
const START_RUNNER = 'tapps-agents background-agent start';

/** `.cursor/background-agents.yaml` exists and is valid. */
export async function checkBackgroundAgentConfig({ projectRoot }: HealthContext): Promise<HealthCheck> {
  const name = 'background_agent_config';
  const file = show(projectRoot, configPaths(projectRoot).backgroundAgents);
  const result = await validateBackgroundAgentsConfig({ projectRoot });
  if (result.config === undefined && !(await exists(configPaths(projectRoot).backgroundAgents))) {
    return { name, status: 'degraded', message: `${file} not found: no background agent is configured`, fix: `create it with "${GENERATE}"`, details: { path: file } };
  }
  if (!result.valid || result.config === undefined) {
    const problems = result.errors.map((problem) => formatProblem(relativeProblem(problem, projectRoot)));
    return {
      name,
      status: 'unhealthy',
      message: `${file} has ${plural(problems.length, 'problem')}`,
      fix: 'fix the problems listed, then check with "tapps-agents background-agent-config validate"',
      details: { path: file, problems },
    };
  }
  const enabled = result.config.agents.filter((agent) => agent.enabled).length;
  return { name, status: 'healthy', message: `${file} is valid (${plural(result.config.agents.length, 'agent')}, ${enabled} enabled)`, details: { path: file } };
}

/** `.tapps-agents/config.yaml` and `auto_execution_config.yaml` resolve without errors. */
export async function checkConfiguration(context: HealthContext): Promise<{ check: HealthCheck; settings: HealthSettings }> {
  const name = 'configuration';
  const { projectRoot } = context;
  const fallback: HealthSettings = { pollingIntervalMs: DEFAULTS.autoExecution.polling.intervalSeconds * 1000, runner: DEFAULTS.workflow.runner, watchPaths: [] };
  try {
    const config = await resolveConfig({ projectRoot });
    const watchPaths = (config.backgroundAgents?.agents ?? []).filter((agent) => agent.enabled).flatMap((agent) => agent.watch_paths ?? []);
    const settings: HealthSettings = { pollingIntervalMs: config.autoExecution.polling.intervalMs, runner: config.workflow.runner, watchPaths, config };
    const message = `settings resolve without errors (auto-execution ${config.autoExecution.enabled ? 'on' : 'off'}, runner ${config.workflow.runner})`;
    return { check: { name, status: 'healthy', message, details: {} }, settings };
  } catch (error) {
    if (!TappsError.is(error)) throw error;
    // The runner mode still counts when config.yaml itself is valid (another file may be the broken one).
    const runner = (await loadConfigFiles(projectRoot)).projectConfig.value?.workflow.runner;
    if (runner !== undefined) fallback.runner = runner;
    if (error.code !== 'CONFIG_INVALID') {
      return { check: { name, status: 'unhealthy', message: error.message, fix: 'fix it, then check with "tapps-agents config show"', details: {} }, settings: fallback };
    }
    const backgroundAgents = configPaths(projectRoot).backgroundAgents;
    // Problems of background-agents.yaml are the previous check's.
    const problems = ((error.details.problems ?? []) as Problem[])
      .filter((problem) => path.resolve(problem.file) !== backgroundAgents)
      .map((problem) => formatProblem(relativeProblem(problem, projectRoot)));
    if (problems.length === 0) return { check: { name, status: 'healthy', message: 'settings resolve without errors', details: {} }, settings: fallback };
    const check: HealthCheck = {
      name,
      status: 'unhealthy',
      message: `configuration has ${plural(problems.length, 'problem')}`,
      fix: 'fix the problems listed, then check with "tapps-agents config show"',
      details: { problems },
    };
    return { check, settings: fallback };
  }
}

/** `.tapps-agents/` is a writable directory, or can be created (checked with access(2); nothing is written). */
export async function checkFileSystem({ projectRoot }: HealthContext): Promise<HealthCheck> {
  const name = 'file_system';
  const dir = observabilityPaths(projectRoot).base;
  let info;
  try {
    info = await stat(dir);
  } catch {
    if (await canWrite(projectRoot)) return { name, status: 'healthy', message: '.tapps-agents/ does not exist yet; it can be created (the project directory is writable)', details: {} };
    return { name, status: 'unhealthy', message: `.tapps-agents/ does not exist and ${projectRoot} is not writable`, fix: 'make the project directory writable', details: {} };
  }
  if (!info.isDirectory()) {
    return { name, status: 'unhealthy', message: '.tapps-agents exists but is not a directory', fix: 'move the file .tapps-agents away, then run "tapps-agents init"', details: {} };
  }
  if (!(await canWrite(dir))) {
    return { name, status: 'unhealthy', message: '.tapps-agents/ is not writable', fix: `make it writable: chmod u+rwx ${dir}`, details: {} };
  }
  return { name, status: 'healthy', message: '.tapps-agents/ is writable', details: {} };
}

/** Every status file found parses as JSON. */
export async function checkStatusFiles({ projectRoot }: HealthContext): Promise<HealthCheck> {
  const name = 'status_file_access';
  const files = await findProtocolFiles(projectRoot, new Set([STATUS_FILE_NAME]));
  const broken: string[] = [];
  for (const file of files) {
    try {
      JSON.parse(await readRegularFile(file));
    } catch (error) {
      broken.push(`${show(projectRoot, file)} (${error instanceof SyntaxError ? 'not valid JSON' : describeError(error)})`);
    }
  }
  const details = { status_files_found: files.length };
  if (broken.length > 0) {
    return {
      name,
      status: 'degraded',
      message: `${broken.length} of ${plural(files.length, 'status file')} cannot be read: ${broken.join(', ')}`,
      fix: 'the step that wrote it will time out; delete the file to let the step be retried',
      details: { ...details, unreadable: broken },
    };
  }
  return { name, status: 'healthy', message: files.length === 0 ? 'no status files yet' : `${plural(files.length, 'status file')} found, all readable`, details };
}

/** Command files are readable, and none has waited unclaimed longer than the threshold. */
export async function checkCommandFiles({ projectRoot, now }: HealthContext, settings: HealthSettings): Promise<HealthCheck> {
  const name = 'command_file_access';
  // Exactly where the runner looks: its watch plan for the configured patterns (the default command file name when
  // none is configured), plus the name the executor writes.
  const patterns = settings.watchPaths.length > 0 ? settings.watchPaths : DEFAULTS.backgroundAgent.watchPaths;
  const plan = compileWatchPaths(projectRoot, [...new Set([COMMAND_FILE_NAME, ...patterns])]);
  const files = await findFilesUnder(plan.roots, (file) => plan.matches(file));
  const thresholdMs = Math.max(UNCLAIMED_THRESHOLD_MS, 2 * settings.pollingIntervalMs);
  const unreadable: string[] = [];
  const waiting: string[] = [];
  for (const file of files) {
    try {
      await access(file, constants.R_OK);
      const age = now() - (await stat(file)).mtimeMs;
      if (age > thresholdMs) waiting.push(`${show(projectRoot, file)} (waiting ${formatAge(age)})`);
    } catch (error) {
      unreadable.push(`${show(projectRoot, file)} (${describeError(error)})`);
    }
  }
  const details = { command_files_found: files.length, unclaimed_threshold: formatDuration(thresholdMs) };
  if (unreadable.length > 0) {
    return { name, status: 'unhealthy', message: `cannot read ${plural(unreadable.length, 'command file')}: ${unreadable.join(', ')}`, fix: 'make them readable by the user the runner runs as', details: { ...details, unreadable } };
  }
  if (waiting.length > 0) {
    return {
      name,
      status: 'degraded',
      message: `${plural(waiting.length, 'command file')} waiting unclaimed longer than ${formatDuration(thresholdMs)}: ${waiting.join(', ')}`,
      fix: `no runner is picking them up: start one with "${START_RUNNER}", or check "tapps-agents auto-execution status"`,
      details: { ...details, waiting },
    };
  }
  return { name, status: 'healthy', message: files.length === 0 ? 'no command files waiting' : `${plural(files.length, 'command file')} readable, none waiting too long`, details };
}

/** A runner is alive (by the one rule of runnerIsAlive / runnerStall), or an embedded one starts with each `workflow execute`. */
export async function checkRunner({ projectRoot, now }: HealthContext, settings: HealthSettings): Promise<HealthCheck> {
  const name = 'runner';
  const details: Record<string, unknown> = { mode: settings.runner };
  const reading = await readRunnerStatusFile(runnerStatusFile(projectRoot));
  if (reading.kind === 'unusable') {
    Object.assign(details, { unusable_status_file: show(projectRoot, reading.file), problem: reading.problem });
    return { name, status: 'degraded', message: `${show(projectRoot, reading.file)} ${reading.problem}`, fix: `restart the runner: tapps-agents background-agent stop, then ${START_RUNNER}`, details };
  }
  if (reading.kind === 'usable') {
    const { status } = reading;
    Object.assign(details, { pid: status.pid, host: status.host, state: status.state, heartbeat_at: status.heartbeat_at });
    const stall = runnerStall(status, now());
    if (stall !== undefined) {
      Object.assign(details, { stalled: true, heartbeat_age_ms: stall.ageMs });
      return { name, status: 'unhealthy', message: stalledRunnerMessage(stall), fix: `resume it (kill -CONT ${status.pid}), or stop it and ${START_RUNNER}`, details };
    }
    if (runnerIsAlive(status, now())) {
      return { name, status: 'healthy', message: `background agent pid ${status.pid} is running on ${status.host} (state ${status.state})`, details };
    }
    details.stale_status_file = show(projectRoot, reading.file);
  }
  if (settings.runner === 'external') {
    return {
      name,
      status: 'unhealthy',
      message: 'no background agent running, and workflow.runner is "external"',
      fix: `start one with "${START_RUNNER}"`,
      details,
    };
  }
  return { name, status: 'healthy', message: `no background agent running; an embedded runner starts with each workflow execute (workflow.runner is "${settings.runner}")`, details };
}

/** Enough free disk space for worktrees, logs and metrics. */
export async function checkDiskSpace({ projectRoot, statfs: statfsPort }: HealthContext): Promise<HealthCheck> {
  const name = 'disk_space';
  const space = await (statfsPort ?? statfs)(projectRoot);
  const free = space.bavail * space.bsize;
  const details = { free_bytes: free };
  const shown = formatBytes(free);
  if (free < DISK_UNHEALTHY_BYTES) return { name, status: 'unhealthy', message: `only ${shown} free (below 100 MiB)`, fix: 'free disk space: remove old worktrees and logs', details };
  if (free < DISK_DEGRADED_BYTES) return { name, status: 'degraded', message: `only ${shown} free (below 1 GiB)`, fix: 'free disk space soon: remove old worktrees and logs', details };
  return { name, status: 'healthy', message: `${shown} free`, details };
}

/** Bytes as a person reads them: "512 MiB", "3.2 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit] ?? 'B'}`;
}

/** An age in whole units: "45s", "10m", "2h 05m". */
function formatAge(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function show(projectRoot: string, file: string): string {
  const relative = path.relative(projectRoot, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function relativeProblem(problem: Problem, projectRoot: string): Problem {
  return { ...problem, file: show(projectRoot, path.resolve(problem.file)) };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function canWrite(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
