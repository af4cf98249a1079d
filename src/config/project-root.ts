// Finds the project a command works on: the nearest directory, from here upward, that holds .tapps-agents/, .cursor/ or .git.

import { existsSync } from 'node:fs';
import path from 'node:path';

const MARKERS = ['.tapps-agents', '.cursor', '.git'] as const;

/** The nearest ancestor of `start` (itself included) holding a project marker, else `start` itself. */
export function findProjectRoot(start: string = process.cwd()): string {
  let current = path.resolve(start);
  for (;;) {
    if (MARKERS.some((marker) => existsSync(path.join(current, marker)))) return current;
    const parent = path.dirname(current);
    if (parent === current) return path.resolve(start);
    current = parent;
  }
}

/** Where each configuration file lives inside a project. */
export function configPaths(projectRoot: string) {
  return {
    projectConfig: path.join(projectRoot, '.tapps-agents', 'config.yaml'),
    autoExecutionConfig: path.join(projectRoot, '.tapps-agents', 'auto_execution_config.yaml'),
    backgroundAgents: path.join(projectRoot, '.cursor', 'background-agents.yaml'),
  };
}
