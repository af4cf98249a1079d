import { describe, expect, it } from 'vitest';
import { projectRelative, safeSegment, stepBranchName, stepWorktreePath } from './names.js';

describe('safeSegment', () => {
  it('keeps a plain id as it is', () => {
    expect(safeSegment('review-code_2.1')).toBe('review-code_2.1');
  });

  it('replaces unsafe characters and appends a hash so different ids stay different', () => {
    const a = safeSegment('a/b');
    const b = safeSegment('a-b');
    expect(a).toMatch(/^a-b-[0-9a-f]{8}$/);
    expect(b).toBe('a-b');
    expect(a).not.toBe(b);
  });

  it('never yields a traversal, a dot-led name or a .lock ref component', () => {
    for (const id of ['..', '../../etc', '.hidden', 'x.lock', '', '///', 'a..b', 'ü']) {
      const segment = safeSegment(id);
      expect(segment).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      expect(segment).not.toContain('..');
      expect(segment.endsWith('.lock')).toBe(false);
    }
  });

  it('bounds long ids to 64 characters', () => {
    const segment = safeSegment('s'.repeat(500));
    expect(segment.length).toBeLessThanOrEqual(64);
    expect(segment).toMatch(/-[0-9a-f]{8}$/);
  });
});

describe('paths and branches', () => {
  it('places a step attempt under the run directory of the project', () => {
    expect(stepWorktreePath('/p', 'wf-20261124T000000Z-ab12', 'review', 2)).toBe('/p/.tapps-agents/worktrees/wf-20261124T000000Z-ab12/review-2');
    expect(stepBranchName('wf-1', 'review')).toBe('tapps/wf-1/review');
  });

  it('keeps hostile step ids inside the project', () => {
    expect(stepWorktreePath('/p', '../..', '../../etc', 1).startsWith('/p/.tapps-agents/worktrees/')).toBe(true);
  });

  it('refuses artifact paths that leave the project', () => {
    expect(projectRelative('docs/./a.md')).toBe('docs/a.md');
    expect(projectRelative('out/')).toBe('out');
    expect(() => projectRelative('../x')).toThrow('Artifact path "../x" leaves the project or points into .git; use a path inside the project.');
    expect(() => projectRelative('/etc/passwd')).toThrow('Artifact path "/etc/passwd" must be relative to the project root.');
    expect(() => projectRelative('.git/config')).toThrow('leaves the project or points into .git');
  });
});
