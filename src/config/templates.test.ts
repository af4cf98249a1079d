import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoExecutionConfigRules, autoExecutionConfigSchema } from './auto-execution-config.js';
import { backgroundAgentsConfigRules, backgroundAgentsConfigSchema } from './background-agents-config.js';
import { loadConfigFile } from './config-file.js';
import { DEFAULTS } from './defaults.js';
import { projectConfigSchema } from './project-config.js';
import { readTemplate, type TemplateName } from './templates.js';
import { hasKey } from './yaml-source.js';

async function loadTemplate(name: TemplateName) {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'tapps-template-')), name);
  await writeFile(file, await readTemplate(name));
  return file;
}

describe('shipped templates', () => {
  it('config.yaml is valid and states the defaults (auto-execution turned on, as the seed quick start does)', async () => {
    const loaded = await loadConfigFile(await loadTemplate('config.yaml'), projectConfigSchema);
    expect(loaded.problems).toEqual([]);
    expect(loaded.value?.workflow).toEqual({
      auto_execution_enabled: true,
      polling_interval: DEFAULTS.autoExecution.polling.intervalSeconds,
      timeout_seconds: DEFAULTS.autoExecution.polling.timeoutSeconds,
      concurrency: DEFAULTS.workflow.concurrency,
      worktrees: DEFAULTS.workflow.worktrees,
      runner: DEFAULTS.workflow.runner,
      transport: DEFAULTS.workflow.transport,
    });
  });

  it('auto_execution_config.yaml is the seed file: valid, every value the default, and none of config.yaml\'s workflow.* keys set', async () => {
    const file = await loadTemplate('auto_execution_config.yaml');
    const loaded = await loadConfigFile(file, autoExecutionConfigSchema, autoExecutionConfigRules);
    expect(loaded.problems).toEqual([]);
    // The keys config.yaml also has are left to config.yaml (where the seed says to edit them): written here they would
    // silently outrank it (issue 14, example 11).
    const { source } = loaded;
    expect(source).toBeDefined();
    for (const keyPath of [['auto_execution', 'enabled'], ['auto_execution', 'polling', 'interval_seconds'], ['auto_execution', 'polling', 'timeout_seconds']]) {
      expect(hasKey(source as NonNullable<typeof source>, keyPath), keyPath.join('.')).toBe(false);
    }
    const d = DEFAULTS.autoExecution;
    expect(loaded.value).toEqual({
      auto_execution: {
        enabled: d.enabled,
        retry: { enabled: d.retry.enabled, max_attempts: d.retry.maxAttempts, backoff_multiplier: d.retry.backoffMultiplier, initial_delay_seconds: d.retry.initialDelaySeconds },
        polling: { enabled: d.polling.enabled, interval_seconds: d.polling.intervalSeconds, timeout_seconds: d.polling.timeoutSeconds },
        features: d.features,
        version: d.version,
      },
    });
  });

  it.each(['background-agents.yaml', 'background-agents.minimal.yaml'] as const)('%s holds the seed default agent', async (name) => {
    const loaded = await loadConfigFile(await loadTemplate(name), backgroundAgentsConfigSchema, backgroundAgentsConfigRules);
    expect(loaded.problems).toEqual([]);
    const agent = loaded.value?.agents[0];
    expect(agent).toMatchObject({
      name: DEFAULTS.backgroundAgent.name,
      type: 'background',
      commands: [DEFAULTS.backgroundAgent.command],
      watch_paths: DEFAULTS.backgroundAgent.watchPaths,
      enabled: true,
      timeout_seconds: DEFAULTS.backgroundAgent.timeoutSeconds,
    });
    expect(loaded.value?.global.max_parallel_agents).toBe(DEFAULTS.backgroundAgent.maxParallelAgents);
  });
});
