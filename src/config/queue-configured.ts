// Whether a project uses or names a queue, which decides whether `auto-execution status` and `health` look at one: a
// project on the file transport that never mentions a queue is never asked about Redis (PRODUCT.md §10 "One view").

import { DEFAULTS } from './defaults.js';
import type { ResolvedConfig } from './resolve.js';

/** True when workflow.transport is `queue`, or queue.url is set (config.yaml or TAPPS_AGENTS_REDIS_URL). */
export function queueIsConfigured(config: Pick<ResolvedConfig, 'workflow' | 'settings'>): boolean {
  if (config.workflow.transport === 'queue') return true;
  const url = config.settings.find((setting) => setting.key === 'queue.url');
  return url !== undefined && url.source.kind !== 'default';
}

/** The URL of the project's queue, password included: never show it unmasked (maskRedisUrl). */
export function queueUrlOf(config: Pick<ResolvedConfig, 'queue'>): string {
  return config.queue?.url ?? DEFAULTS.queue.url;
}
