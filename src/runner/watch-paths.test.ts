import { describe, expect, it } from 'vitest';
import { compileGlob, compileWatchPaths } from './watch-paths.js';

describe('watch paths', () => {
  it('matches a bare file name in every step area, and nowhere else', () => {
    const plan = compileWatchPaths('/p', ['.cursor-skill-command.txt']);
    expect(plan.matches('/p/.cursor/.cursor-skill-command.txt')).toBe(true);
    expect(plan.matches('/p/.tapps-agents/workflow-state/run/steps/a/.cursor/.cursor-skill-command.txt')).toBe(true);
    expect(plan.matches('/p/.tapps-agents/worktrees/wt-a/.cursor-skill-command.txt')).toBe(true);
    expect(plan.matches('/p/.tapps-agents/worktrees/wt-a/.cursor/.cursor-skill-command.txt')).toBe(true);
    expect(plan.matches('/p/src/.cursor-skill-command.txt')).toBe(false);
    expect(plan.matches('/p/.tapps-agents/worktrees/wt-a/node_modules/x/.cursor-skill-command.txt')).toBe(false);
    expect(plan.matches('/elsewhere/.cursor/.cursor-skill-command.txt')).toBe(false);
    expect(plan.roots.map((root) => root.dir)).toEqual(['/p/.tapps-agents/workflow-state', '/p/.tapps-agents/worktrees', '/p/.cursor']);
  });

  it('treats a pattern with a slash as relative to the project root (the original template)', () => {
    const plan = compileWatchPaths('/p', ['.tapps-agents/workflow-state/**/.cursor-skill-command.txt', '**/.cursor-skill-command.txt']);
    expect(plan.matches('/p/.tapps-agents/workflow-state/r/steps/a/.cursor/.cursor-skill-command.txt')).toBe(true);
    expect(plan.roots[0]).toEqual({ dir: '/p/.tapps-agents/workflow-state', maxDepth: 8 });
  });

  it('compiles globs, braces and classes included', () => {
    expect(compileGlob('a/**/b*.txt')('a/x/y/bc.txt')).toBe(true);
    expect(compileGlob('a/**/b*.txt')('a/bc.txt')).toBe(true);
    expect(compileGlob('a/*.txt')('a/x/b.txt')).toBe(false);
    expect(compileGlob('[!x]?.md')('ab.md')).toBe(true);
    expect(compileGlob('[!x]?.md')('xb.md')).toBe(false);
    expect(compileGlob('.cursor/*.{txt,json}')('.cursor/.cursor-skill-command.json')).toBe(true);
    expect(compileGlob('.cursor/*.{txt,json}')('.cursor/x.yaml')).toBe(false);
  });

  it('watches the fixed directories before the first glob of a braced pattern', () => {
    const plan = compileWatchPaths('/p', ['.tapps-agents/{workflow-state,worktrees}/**/.cursor-skill-command.txt']);
    expect(plan.roots).toEqual([{ dir: '/p/.tapps-agents', maxDepth: 8 }]);
    expect(plan.matches('/p/.tapps-agents/worktrees/r/a-1/.cursor/.cursor-skill-command.txt')).toBe(true);
    expect(plan.matches('/p/.tapps-agents/audit/.cursor-skill-command.txt')).toBe(false);
  });
});
