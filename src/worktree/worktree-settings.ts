// A workflow's worktree settings (`settings.worktrees` in the workflow file): on/off, a setup command run once per
// worktree, and how outputs come back. Checked when the workflow is loaded, so mistakes point at file:line.

import { durationTooLong, parseDuration } from '../config/duration.js';
import type { ReturnMode } from './return-outputs.js';
import type { SetupCommand } from './setup-command.js';

/** `settings.worktrees`, compiled. */
export interface WorktreeSettings {
  /** Overrides the config's `workflow.worktrees` when set. */
  enabled?: boolean;
  setup?: SetupCommand;
  /** @default "copy" */
  merge?: ReturnMode;
}

/** A problem in `settings.worktrees`, with the key path below `settings`. */
export interface WorktreeSettingsProblem {
  path: (string | number)[];
  message: string;
}

const KEYS = ['enabled', 'setup', 'setup_timeout', 'merge'];

/**
 * Reads `settings.worktrees` (a boolean, or `{enabled, setup, setup_timeout, merge}`) and the shorthand
 * `settings.setup`. Unknown keys and wrong types are problems.
 * @example compileWorktreeSettings({ worktrees: { setup: 'npm ci', merge: 'commit' } })
 */
export function compileWorktreeSettings(settings: Record<string, unknown> | undefined): { settings: WorktreeSettings; problems: WorktreeSettingsProblem[] } {
  const problems: WorktreeSettingsProblem[] = [];
  const result: WorktreeSettings = {};
  const raw = settings?.worktrees;
  if (typeof raw === 'boolean') result.enabled = raw;
  else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const object = raw as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (!KEYS.includes(key)) problems.push({ path: ['worktrees', key], message: `unknown key "${key}"; expected one of ${KEYS.join(', ')}` });
    }
    if (object.enabled !== undefined) {
      if (typeof object.enabled === 'boolean') result.enabled = object.enabled;
      else problems.push({ path: ['worktrees', 'enabled'], message: 'expected true or false' });
    } else result.enabled = true;
    if (object.merge !== undefined) {
      if (object.merge === 'copy' || object.merge === 'commit') result.merge = object.merge;
      else problems.push({ path: ['worktrees', 'merge'], message: 'expected "copy" (copy the declared artifacts back) or "commit" (merge the step\'s commits)' });
    }
    const setup = readSetup(object.setup, object.setup_timeout, ['worktrees'], problems);
    if (setup !== undefined) result.setup = setup;
  } else if (raw !== undefined) {
    problems.push({ path: ['worktrees'], message: 'expected true, false or a mapping {enabled, setup, setup_timeout, merge}' });
  }
  if (settings?.setup !== undefined && result.setup === undefined) {
    const setup = readSetup(settings.setup, undefined, [], problems);
    if (setup !== undefined) result.setup = setup;
  }
  return { settings: result, problems };
}

function readSetup(command: unknown, timeout: unknown, at: string[], problems: WorktreeSettingsProblem[]): SetupCommand | undefined {
  if (command === undefined) return undefined;
  if (typeof command !== 'string' || command.trim() === '') {
    problems.push({ path: [...at, 'setup'], message: 'expected a shell command, e.g. "npm ci"' });
    return undefined;
  }
  if (timeout === undefined) return { command };
  const timeoutMs = typeof timeout === 'number' || typeof timeout === 'string' ? parseDuration(timeout) : undefined;
  if (timeoutMs === undefined || timeoutMs <= 0) {
    problems.push({ path: [...at, 'setup_timeout'], message: 'expected a duration like "10m" or a number of seconds' });
    return { command };
  }
  const tooLong = durationTooLong(timeoutMs);
  if (tooLong !== undefined) {
    problems.push({ path: [...at, 'setup_timeout'], message: `must be ${tooLong}, got ${JSON.stringify(timeout)}` });
    return { command };
  }
  return { command, timeoutMs };
}
