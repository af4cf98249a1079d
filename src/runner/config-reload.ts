// A daemon reloads `.cursor/background-agents.yaml` when it changes; a broken file keeps the previous configuration.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { configPaths } from '../config/project-root.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../observability/observer.js';
import { watchDirectory, type DirectoryWatch } from '../protocol/watch.js';

/** How the reload reaches its runner. */
export interface ConfigReloadTarget {
  /** False while the runner takes no new configuration (not running). */
  active(): boolean;
  /** The configuration in use. */
  current(): ResolvedConfig | undefined;
  /** Called with a configuration whose background-agent part changed. */
  apply(config: ResolvedConfig): Promise<void>;
  logger: Logger;
}

/** Watches the file of `projectRoot` for `target`. */
export function watchBackgroundAgentsConfig(projectRoot: string, target: ConfigReloadTarget): DirectoryWatch {
  const file = configPaths(projectRoot).backgroundAgents;
  let reloading = false;
  let lastSeen = '';
  const signature = () => stat(file).then((info) => `${info.mtimeMs}:${info.size}`, () => 'missing');
  void signature().then((value) => (lastSeen = value));
  return watchDirectory(
    path.dirname(file),
    (name) => {
      if ((name !== undefined && name !== path.basename(file)) || reloading || !target.active()) return;
      reloading = true;
      // Only a changed file is parsed again: the periodic rescan must cost next to nothing while idle.
      signature()
        .then((value) => {
          if (value === lastSeen) return undefined;
          lastSeen = value;
          return resolveConfig({ projectRoot });
        })
        .then((config) => {
          if (config === undefined) return;
          if (JSON.stringify(config.backgroundAgents) === JSON.stringify(target.current()?.backgroundAgents)) return;
          return target.apply(config);
        })
        .catch((error: unknown) => target.logger.warn('configuration not reloaded: keeping the previous one', { error: String(error) }))
        .finally(() => (reloading = false));
    },
    { rescanMs: 10_000 },
  );
}
