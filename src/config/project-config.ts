// `.tapps-agents/config.yaml`: the project's settings — the seed's `workflow:` section plus engine and runner choices.

import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { durationSchema } from './duration-schema.js';

/** Engines a step can run on (PRODUCT.md §5). */
export const ENGINE_PROVIDERS = ['openai-compatible', 'anthropic', 'claude', 'codex', 'cursor-agent', 'aider', 'gemini', 'manual'] as const;

const engineSchema = z
  .strictObject({
    provider: z.enum(ENGINE_PROVIDERS).describe('Which kind of engine this is.'),
    model: z.string().min(1).optional().describe('Model name, e.g. "gpt-4o-mini" or "llama3.1".'),
    base_url: z.url().optional().describe('Endpoint of an OpenAI-compatible server, e.g. "http://127.0.0.1:11434/v1".'),
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, not the key itself')
      .optional()
      .describe('Name of the environment variable that holds the API key (keys never go in files).'),
    command: z.string().min(1).optional().describe('Executable of a coding-agent CLI, when not the default name on PATH.'),
    timeout: durationSchema().optional().describe('Longest one call may take.'),
  })
  .describe('A named engine.');

const agentSettingsSchema = z
  .strictObject({
    engine: z.string().min(1).optional().describe('Engine name (a key of `engines`, or a provider) for this agent.'),
    model: z.string().min(1).optional().describe('Model override for this agent.'),
  })
  .describe('Settings of one agent.');

export const projectConfigSchema = z
  .strictObject({
    workflow: z
      .strictObject({
        auto_execution_enabled: z.boolean().default(DEFAULTS.autoExecution.enabled).describe('Run steps through background agents (auto-execution).'),
        polling_interval: durationSchema().default(DEFAULTS.autoExecution.polling.intervalSeconds).describe('Fallback polling interval; completion is event-driven.'),
        timeout_seconds: durationSchema().default(DEFAULTS.autoExecution.polling.timeoutSeconds).describe('Longest a step attempt may take.'),
        concurrency: z.int().min(1).max(256).default(DEFAULTS.workflow.concurrency).describe('Most steps running at once in one run.'),
        worktrees: z.boolean().default(DEFAULTS.workflow.worktrees).describe('Run each step in its own git worktree.'),
        runner: z
          .enum(['auto', 'embedded', 'external'])
          .default(DEFAULTS.workflow.runner)
          .describe('auto: use a running background agent, else run one inside `workflow execute`; embedded: always in-process; external: require a running background agent.'),
        transport: z
          .enum(['file', 'queue'])
          .default(DEFAULTS.workflow.transport)
          .describe('file: steps go to a background agent on this machine through command files; queue: steps become BullMQ jobs in Redis for workers on any machine (docs/scale-out.md).'),
      })
      .prefault({})
      .describe('Workflow execution settings.'),
    agents: z
      .object({
        default_engine: z.string().min(1).default(DEFAULTS.agents.defaultEngine).describe('Engine for model-backed actions; "auto" detects one.'),
        context_budget: z
          .int()
          .min(1000)
          .max(10_000_000)
          .default(DEFAULTS.agents.contextBudget)
          .describe('Most characters of input file content pasted into a model step\'s prompt; the largest inputs are cut first. A step\'s `context_budget` overrides it.'),
      })
      .catchall(agentSettingsSchema)
      .prefault({})
      .describe('Per-agent settings, keyed by agent name.'),
    engines: z.record(z.string(), engineSchema).default({}).describe('Named engines that agents can use.'),
    metrics: z
      .strictObject({
        retention_days: z
          .int()
          .min(1)
          .max(3650)
          .default(DEFAULTS.metrics.retentionDays)
          .describe('Days of execution metrics kept; `tapps-agents auto-execution metrics --prune` deletes older daily files.'),
      })
      .prefault({})
      .describe('Execution metrics (.tapps-agents/metrics/).'),
    queue: z
      .strictObject({
        url: z
          .string()
          .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL, e.g. "redis://127.0.0.1:6379"')
          .default(DEFAULTS.queue.url)
          .describe('Redis of the queue transport; TAPPS_AGENTS_REDIS_URL overrides it. Put a password in that variable, not in this file.'),
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-"')
          .default(DEFAULTS.queue.prefix)
          .describe('Key prefix of every Redis key the queue uses (several projects or test runs can share one Redis).'),
        lock_duration: durationSchema().default(DEFAULTS.queue.lockDurationSeconds).describe('How long a worker holds a job without renewing its lock before the job counts as stalled.'),
        stalled_interval: durationSchema().default(DEFAULTS.queue.stalledIntervalSeconds).describe('How often workers look for stalled jobs (those whose worker died) and hand them to another worker.'),
        max_stalled_count: z.int().min(0).max(100).default(DEFAULTS.queue.maxStalledCount).describe('How many times one attempt may stall (its worker died) and be re-delivered before it fails.'),
        max_changes_bytes: z.int().min(1024).max(512 * 1024 * 1024).default(DEFAULTS.queue.maxChangesBytes).describe("Largest step result (diff and artifacts) a worker sends back; over it the step fails with CHANGES_TOO_LARGE."),
      })
      .prefault({})
      .describe('The queue transport (BullMQ on Redis).'),
    project: z
      .strictObject({
        id: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1 to 100 letters, digits, ".", "_" or "-"')
          .optional()
          .describe("The project's identity shared by the executor and every queue worker; derived from the git origin URL when unset."),
      })
      .prefault({})
      .describe('Project identity.'),
    redaction: z
      .strictObject({
        secret_names: z
          .array(z.string().regex(/^[A-Za-z0-9_*]+$/, 'must be a variable name, with "*" for any characters, e.g. "*_APIKEY"'))
          .default([])
          .describe('More environment variable names whose values are secrets (globs), added to the built-in list (docs/reliability.md).'),
        patterns: z
          .array(z.string().min(1).refine(isRegExp, 'must be a valid regular expression'))
          .default([])
          .describe('Regular expressions for secret values; every match is replaced with ***REDACTED*** in what is written.'),
      })
      .prefault({})
      .describe('What counts as a secret, on top of the built-in names and shapes, for everything written to disk.'),
  })
  .describe('tapps-agents project configuration (.tapps-agents/config.yaml)');

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'g');
    return true;
  } catch {
    return false;
  }
}

export type ProjectConfigFile = z.output<typeof projectConfigSchema>;
