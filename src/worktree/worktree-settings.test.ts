import { describe, expect, it } from 'vitest';
import { compileWorktreeSettings } from './worktree-settings.js';

describe('compileWorktreeSettings', () => {
  it('accepts a boolean, a mapping and the setup shorthand', () => {
    expect(compileWorktreeSettings(undefined)).toEqual({ settings: {}, problems: [] });
    expect(compileWorktreeSettings({ worktrees: false })).toEqual({ settings: { enabled: false }, problems: [] });
    expect(compileWorktreeSettings({ worktrees: { setup: 'npm ci', setup_timeout: '5m', merge: 'commit' } })).toEqual({
      settings: { enabled: true, setup: { command: 'npm ci', timeoutMs: 300_000 }, merge: 'commit' },
      problems: [],
    });
    expect(compileWorktreeSettings({ worktrees: true, setup: 'pnpm i' })).toEqual({ settings: { enabled: true, setup: { command: 'pnpm i' } }, problems: [] });
  });

  it('names each mistake with its key path', () => {
    expect(compileWorktreeSettings({ worktrees: { merge: 'rebase', setpu: 'x', enabled: 'yes' } }).problems).toEqual([
      { path: ['worktrees', 'setpu'], message: 'unknown key "setpu"; expected one of enabled, setup, setup_timeout, merge' },
      { path: ['worktrees', 'enabled'], message: 'expected true or false' },
      { path: ['worktrees', 'merge'], message: 'expected "copy" (copy the declared artifacts back) or "commit" (merge the step\'s commits)' },
    ]);
    expect(compileWorktreeSettings({ worktrees: 'on' }).problems).toEqual([{ path: ['worktrees'], message: 'expected true, false or a mapping {enabled, setup, setup_timeout, merge}' }]);
  });
});
