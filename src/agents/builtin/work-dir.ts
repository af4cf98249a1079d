// Where a builtin action works: the directory a command file named (`worktree_path`), else the step directory when it
// holds the project (a worktree), else the project root.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SkillContext } from '../skill.js';

const PROJECT_MARKERS = ['package.json', 'pyproject.toml', 'setup.py', 'pytest.ini', 'go.mod', 'Cargo.toml', '.git'];

/** The directory holding the project's files for this step. */
export function projectDirOf(context: SkillContext): string {
  if (context.workDir !== undefined) return context.workDir;
  return PROJECT_MARKERS.some((marker) => existsSync(path.join(context.stepDir, marker))) ? context.stepDir : context.projectRoot;
}

/** `relative` resolved in the step directory when it exists there, else in the project root. */
export function resolveProjectFile(context: SkillContext, relative: string): string {
  if (context.workDir !== undefined) return path.resolve(context.workDir, relative);
  const inStep = path.resolve(context.stepDir, relative);
  return existsSync(inStep) ? inStep : path.resolve(context.projectRoot, relative);
}
