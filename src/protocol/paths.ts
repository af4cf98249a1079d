// Where the file protocol's files live inside a step directory (PRODUCT.md §3): the seed's `.cursor/` sub-directory.

import path from 'node:path';

/** The command file the executor writes (JSON despite the `.txt` extension, as in the seed). */
export const COMMAND_FILE_NAME = '.cursor-skill-command.txt';
/** What a runner renames the command file to when it claims it. */
export const CLAIMED_FILE_NAME = '.cursor-skill-command.claimed';
/** The status file, always beside the command file it answers. */
export const STATUS_FILE_NAME = '.cursor-skill-status.json';
/** Human-readable instructions written for `workflow execute --manual`. */
export const INSTRUCTIONS_FILE_NAME = '.cursor-skill-instructions.md';
/** Written by the executor to ask whoever runs the step to stop it. */
export const CANCEL_FILE_NAME = '.cursor-skill-cancel';

/** The protocol files of one step directory. */
export interface ProtocolPaths {
  dir: string;
  commandFile: string;
  claimedFile: string;
  statusFile: string;
  instructionsFile: string;
  cancelFile: string;
}

/** The protocol files of the step directory `stepDir` (under its `.cursor/`). */
export function protocolPaths(stepDir: string): ProtocolPaths {
  return protocolPathsIn(path.join(stepDir, '.cursor'));
}

/** The protocol files in `dir` itself (the directory a command file was found in). */
export function protocolPathsIn(dir: string): ProtocolPaths {
  return {
    dir,
    commandFile: path.join(dir, COMMAND_FILE_NAME),
    claimedFile: path.join(dir, CLAIMED_FILE_NAME),
    statusFile: path.join(dir, STATUS_FILE_NAME),
    instructionsFile: path.join(dir, INSTRUCTIONS_FILE_NAME),
    cancelFile: path.join(dir, CANCEL_FILE_NAME),
  };
}

/** Directory names never descended into when looking for protocol files, so a large repository stays cheap. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git']);

/**
 * Where protocol files (command, status files) appear, relative to the project root, and how many directory levels
 * below `dir` the directory holding them may be. The runner's watcher and the health checks both look here.
 */
export const PROTOCOL_FILE_AREAS: readonly { dir: string; maxDepth: number }[] = [
  // <run-id>/steps/<step-id>/.cursor/
  { dir: '.tapps-agents/workflow-state', maxDepth: 4 },
  // <run-id>/<step-id>-<attempt>/.cursor/, or one level deeper when the project is a sub-directory of its repository
  { dir: '.tapps-agents/worktrees', maxDepth: 4 },
  { dir: '.cursor', maxDepth: 0 },
];
