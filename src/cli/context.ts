// What every command needs to know before it starts: which project it works on.

import path from 'node:path';
import type { Command } from 'commander';
import { findProjectRoot } from '../config/project-root.js';

/** The project root for a command: found upward from `--project` or the working directory. */
export function projectRootOf(command: Command): string {
  return projectRootFrom(command.optsWithGlobals<{ project?: string }>().project);
}

/** The project root found upward from `project` (a `--project` value) or the working directory. */
export function projectRootFrom(project: string | undefined): string {
  return findProjectRoot(project === undefined ? process.cwd() : path.resolve(project));
}

/** The directory a command was pointed at (`--project` or the working directory), without searching upward. */
export function startDirectoryOf(command: Command): string {
  const { project } = command.optsWithGlobals<{ project?: string }>();
  return project === undefined ? process.cwd() : path.resolve(project);
}
