// Whether the program of each configured command exists on this machine, for `background-agent-config validate`.
// Resolved as the runner would run it: the first word after placeholder expansion, looked up on PATH (the agent's own
// PATH entry wins) or, when it contains "/", against the agent's working directory. A missing program is a warning,
// not an error: the file may be checked on a machine other than the one the runner runs on.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../config/problem.js';
import { problemAt, type YamlSource } from '../config/yaml-source.js';
import { findExecutable } from '../engines/find-executable.js';
import { TappsError } from '../errors.js';
import { expandCommand, splitWords } from './command-template.js';
import { environmentOf, workingDirectoryOf } from './run-claimed.js';

/** Placeholders only known when a step runs: a program named through one of them cannot be checked in advance. */
const PER_STEP = /\{(command_file_path|step_dir|status_file_path)\}/;

/** Problems with the programs of the enabled agents' commands in `source` (read leniently: other checks report shape). */
export function checkCommandPrograms(source: YamlSource, projectRoot: string, env: NodeJS.ProcessEnv = process.env): Problem[] {
  const agents = asRecord(source.data)?.agents;
  if (!Array.isArray(agents)) return [];
  return agents.flatMap((raw, agentIndex): Problem[] => {
    const agent = asRecord(raw);
    if (agent === undefined || agent.enabled === false || !Array.isArray(agent.commands)) return [];
    const environment = Array.isArray(agent.environment) ? agent.environment.filter((entry): entry is string => typeof entry === 'string' && entry.includes('=')) : [];
    const agentEnv = { ...env, ...environmentOf(environment, projectRoot) };
    const cwd = workingDirectoryOf(typeof agent.working_directory === 'string' ? agent.working_directory : undefined, projectRoot);
    return agent.commands.flatMap((command, commandIndex): Problem[] => {
      if (typeof command !== 'string') return [];
      const problem = programProblem(command, { projectRoot, cwd, env: agentEnv });
      if (problem === undefined) return [];
      return [problemAt(source, ['agents', agentIndex, 'commands', commandIndex], problem.message, { severity: problem.severity })];
    });
  });
}

function programProblem(command: string, where: { projectRoot: string; cwd: string; env: NodeJS.ProcessEnv }): Pick<Problem, 'severity' | 'message'> | undefined {
  let program: string | undefined;
  let written: string | undefined;
  try {
    written = splitWords(command)[0];
    program = expandCommand(command, { project_root: where.projectRoot, command_file_path: '{command_file_path}', step_dir: '{step_dir}', status_file_path: '{status_file_path}' }).argv[0];
  } catch (error) {
    if (error instanceof TappsError) return { severity: 'error', message: 'has an unterminated quote' };
    throw error;
  }
  if (program === undefined || PER_STEP.test(program)) return undefined;
  const named = JSON.stringify(written ?? program);
  if (!program.includes('/')) return findExecutable(program, where.env) === undefined ? { severity: 'warning', message: `program ${named} was not found on PATH` } : undefined;
  const file = path.resolve(where.cwd, program);
  if (findExecutable(file) !== undefined) return undefined;
  const shown = relativeInside(where.projectRoot, file);
  return { severity: 'warning', message: existsSync(file) ? `program ${named} is not an executable file (${shown})` : `program ${named} was not found (looked for ${shown})` };
}

/** `file` relative to the project when inside it, else absolute. */
function relativeInside(projectRoot: string, file: string): string {
  const relative = path.relative(projectRoot, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
