// The project identity the executor and every queue worker agree on: `project.id` from config.yaml, else derived from
// the repository's origin URL, which every clone of one repository shares (PRODUCT.md §10). It names the queue.

import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { TappsError } from '../errors.js';
import { git } from '../worktree/git.js';

/** A project id and where it came from. */
export interface ProjectIdentity {
  id: string;
  source: 'config' | 'origin';
  /** The origin URL it was derived from, credentials removed. */
  origin?: string;
}

/**
 * The project's identity.
 * @throws {TappsError} CONFIG_INVALID when project.id is unset and the repository has no origin remote.
 */
export async function resolveProjectId(config: Pick<ResolvedConfig, 'projectRoot' | 'project'>): Promise<ProjectIdentity> {
  const configured = config.project?.id;
  if (configured !== undefined) return { id: configured, source: 'config' };
  const result = await git(['config', '--get', 'remote.origin.url'], { cwd: config.projectRoot, timeoutMs: 30_000 });
  const url = result.stdout.trim();
  if (!result.ok || url === '') {
    throw new TappsError(
      'CONFIG_INVALID',
      `The queue transport needs a project identity that every worker shares, and ${config.projectRoot} has no git remote "origin" to derive it from. Set project.id in .tapps-agents/config.yaml (the same value on every machine), or add the remote with "git remote add origin URL".`,
    );
  }
  const origin = normaliseOrigin(url, config.projectRoot);
  return { id: projectIdOf(origin), source: 'origin', origin };
}

/**
 * One spelling per repository: `git@host:org/repo.git`, `ssh://git@host/org/repo`, `https://user:token@host/org/repo.git`
 * all become `host/org/repo`; a local path becomes its absolute path.
 */
export function normaliseOrigin(url: string, projectRoot: string): string {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(url);
  let host = '';
  let repoPath: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const parsed = new URL(url);
    host = parsed.protocol === 'file:' ? '' : parsed.host.toLowerCase();
    repoPath = decodeURIComponent(parsed.pathname);
  } else if (scp !== null && !url.startsWith('/') && !url.startsWith('.')) {
    host = (scp[1] as string).toLowerCase();
    repoPath = scp[2] as string;
  } else {
    repoPath = path.resolve(projectRoot, url);
  }
  repoPath = repoPath.replace(/\/+$/, '').replace(/\.git$/, '');
  return host === '' ? repoPath : `${host}/${repoPath.replace(/^\/+/, '')}`;
}

/** A readable id that BullMQ accepts as a queue name (no ":"), with a hash so two long origins never collide. */
export function projectIdOf(origin: string): string {
  const hash = createHash('sha256').update(origin).digest('hex').slice(0, 8);
  const readable = origin.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(-60);
  return `${readable}-${hash}`;
}
