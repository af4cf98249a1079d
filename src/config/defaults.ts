// Every configuration default, in one place. Schemas, `init`, `generate` and `config show` all read from here.

export const DEFAULTS = {
  autoExecution: {
    /** Off unless a project or workflow turns it on (seed FAQ: existing workflows keep running without it). */
    enabled: false,
    retry: { enabled: true, maxAttempts: 3, backoffMultiplier: 2.0, initialDelaySeconds: 1.0 },
    polling: { enabled: true, intervalSeconds: 5.0, timeoutSeconds: 3600.0 },
    features: {
      artifact_detection: true,
      status_tracking: true,
      error_handling: true,
      metrics_collection: true,
      audit_logging: true,
    },
    version: '1.0',
  },
  workflow: {
    concurrency: 4,
    worktrees: false,
    runner: 'auto' as 'auto' | 'embedded' | 'external',
    transport: 'file' as 'file' | 'queue',
  },
  queue: {
    url: 'redis://127.0.0.1:6379',
    /** The variable that overrides queue.url (the place for a password). */
    urlVariable: 'TAPPS_AGENTS_REDIS_URL',
    prefix: 'tapps-agents',
    lockDurationSeconds: 30,
    stalledIntervalSeconds: 30,
    maxStalledCount: 2,
    maxChangesBytes: 16 * 1024 * 1024,
  },
  agents: {
    defaultEngine: 'auto',
    /** Characters of input file content a model step's prompt may hold (largest inputs are cut first). */
    contextBudget: 96_000,
  },
  metrics: {
    /** Daily metrics files older than this are deleted by `auto-execution metrics --prune`. */
    retentionDays: 30,
  },
  backgroundAgent: {
    name: 'TappsCodingAgents Workflow Executor',
    command: 'tapps-agents workflow execute-skill-command --command-file {command_file_path}',
    watchPaths: ['.cursor-skill-command.txt'],
    timeoutSeconds: 3600,
    maxParallelAgents: 4,
  },
} as const;

/** The version of `.tapps-agents/auto_execution_config.yaml` this release reads and writes. */
export const AUTO_EXECUTION_CONFIG_VERSION = DEFAULTS.autoExecution.version;
