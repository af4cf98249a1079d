import { describe, expect, it } from 'vitest';
import { normaliseOrigin, projectIdOf } from './project-id.js';

describe('project identity from the origin URL', () => {
  it('spells one repository one way, whatever the URL form and credentials', () => {
    const forms = ['git@github.com:Org/Repo.git', 'ssh://git@github.com/Org/Repo', 'https://user:token@github.com/Org/Repo.git', 'https://GitHub.com/Org/Repo/'];
    const ids = new Set(forms.map((url) => projectIdOf(normaliseOrigin(url, '/tmp'))));
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect(id).toMatch(/^github\.com-Org-Repo-[0-9a-f]{8}$/);
    expect(id).not.toContain('token');
  });

  it('uses the absolute path of a local origin, and never a ":" (BullMQ queue names forbid it)', () => {
    expect(normaliseOrigin('../origin.git', '/work/clone')).toBe('/work/origin');
    expect(normaliseOrigin('file:///srv/git/app.git', '/x')).toBe('/srv/git/app');
    expect(projectIdOf('/srv/git/app')).not.toContain(':');
    expect(projectIdOf('/srv/git/app')).not.toBe(projectIdOf('/srv/git/app2'));
  });
});
