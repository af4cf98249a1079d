import { describe, expect, it } from 'vitest';
import { gitEnvironment, gitFailure, isLockError, type GitResult } from './git.js';
import { parsePorcelainPaths } from './return-outputs.js';

const failed = (stderr: string): GitResult => ({ ok: false, exitCode: 255, stdout: '', stderr, missing: false });

describe('isLockError', () => {
  it('recognises the lock races of concurrent worktree operations', () => {
    expect(isLockError(failed('error: could not lock config file .git/config: File exists\nerror: unable to write upstream branch configuration'))).toBe(true);
    expect(isLockError(failed("fatal: Unable to create '/r/.git/index.lock': File exists."))).toBe(true);
    expect(isLockError(failed("error: cannot lock ref 'refs/heads/tapps/r/s': reference already exists"))).toBe(true);
    expect(isLockError(failed('fatal: failed to read /r/.git/worktrees/x/commondir'))).toBe(true);
  });

  it('does not retry other failures', () => {
    expect(isLockError(failed("fatal: invalid reference: nope"))).toBe(false);
    expect(isLockError({ ...failed('could not lock config file'), missing: true })).toBe(false);
  });
});

describe('gitFailure', () => {
  it("keeps git's error lines, not its advice", () => {
    const stderr = "error: could not delete references: Unable to create '/r/.git/packed-refs.lock': File exists.\n\nAnother git process seems to be running in this repository, e.g.\nan editor opened by 'git commit'.\n";
    expect(gitFailure(['branch', '-D', 'x'], '/r', failed(stderr)).message).toBe(
      "git branch -D x failed in /r: error: could not delete references: Unable to create '/r/.git/packed-refs.lock': File exists.",
    );
  });
});

describe('gitEnvironment', () => {
  it('never prompts and drops variables that would redirect git to another repository', () => {
    const env = gitEnvironment({ PATH: '/bin', GIT_DIR: '/elsewhere/.git', GIT_INDEX_FILE: 'x', HOME: '/h' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' });
  });
});

describe('parsePorcelainPaths', () => {
  it('reads modified, untracked and renamed entries, keeping a leading space in the status', () => {
    expect(parsePorcelainPaths(' M a.txt\0?? dir/new file.md\0R  new.ts\0old.ts\0')).toEqual(['a.txt', 'dir/new file.md', 'new.ts', 'old.ts']);
  });
});
