// Chooses the transport a run uses: inline when auto-execution is off; the file transport when it is on, served by
// the project's background agent if one is alive, else by a runner embedded in this process (workflow.runner: auto
// or embedded). With workflow.runner: external and no live runner the run fails at once, saying how to start one.
// `--manual` uses the file transport with no runner at all: a person or another tool writes the status file.

import type { ResolvedConfig } from '../config/resolve.js';
import { TappsError } from '../errors.js';
import type { ExecutionObserver } from '../observability/observer.js';
import { Runner } from '../runner/runner.js';
import { findLiveRunner } from '../protocol/runner-status.js';
import { FileTransport, type CommandWritten } from '../transport/file.js';
import { createInlineTransport } from '../transport/inline.js';
import type { Transport } from '../transport/transport.js';

export interface SelectTransportOptions {
  projectRoot: string;
  config: ResolvedConfig;
  /** Resolved auto-execution (flag > workflow metadata > config files). */
  autoExecution: boolean;
  observer: ExecutionObserver;
  /** The run this transport serves; an embedded runner publishes it so `auto-execution status` can show it. */
  runId?: string;
  /** `workflow execute --manual`: write command files and instructions, wait for anyone to write the status. */
  manual?: boolean;
  /** Things the user should be told (an embedded runner started, where manual steps are). */
  onNotice?: (message: string) => void;
  /** Called when a command file is written (manual mode prints where). */
  onCommandWritten?: (written: CommandWritten) => void;
}

/** The message when `workflow.runner: external` is set and no background agent is alive. */
export const NO_EXTERNAL_RUNNER_MESSAGE =
  'Auto-execution is on and workflow.runner is "external", but no background agent is running for this project. Start one with "tapps-agents background-agent start" (check it with "tapps-agents background-agent status"), or set workflow.runner: auto in .tapps-agents/config.yaml to run one inside workflow execute.';

/**
 * The transport for a run.
 * @throws {TappsError} NO_RUNNER when `workflow.runner: external` and no background agent is alive.
 */
export async function selectTransport(options: SelectTransportOptions): Promise<Transport> {
  const { projectRoot, config, observer } = options;
  const written = options.onCommandWritten === undefined ? {} : { onCommandWritten: options.onCommandWritten };
  if (options.manual === true) {
    options.onNotice?.('Manual execution: each step writes a command file and instructions, then waits for its status file.');
    return new FileTransport({ projectRoot, config, observer, manual: true, ...written });
  }
  if (config.workflow.transport === 'queue') {
    // Steps become BullMQ jobs for workers on any machine; bullmq and ioredis load only here (docs/scale-out.md).
    const { openQueueTransport } = await import('../queue/queue-transport.js');
    const transport = await openQueueTransport({ projectRoot, config, observer });
    options.onNotice?.(`Queue transport: steps go to the workers of queue ${transport.queue.name} (start one with "tapps-agents background-agent start --queue").`);
    return transport;
  }
  if (!options.autoExecution) {
    return createInlineTransport({ projectRoot, config, logger: observer.logger, traceparent: (attempt) => observer.traceparent?.(attempt), artifactDetection: config.autoExecution.features.artifact_detection });
  }
  const mode = config.workflow.runner;
  const startEmbedded = async () => {
    const runner = new Runner({ projectRoot, config, observer, embedded: true, ...(options.runId === undefined ? {} : { runId: options.runId }) });
    await runner.start();
    return runner;
  };
  const live = mode === 'embedded' ? undefined : await findLiveRunner(projectRoot);
  if (live !== undefined) {
    options.onNotice?.(`Auto-execution: steps go to the background agent (pid ${live.pid}).`);
    if (mode === 'external') return new FileTransport({ projectRoot, config, observer, ...written });
    // workflow.runner: auto — should the shared agent be gone at a later dispatch, one starts here (once, even for
    // parallel steps), so a daemon that died mid-run does not fail the remaining steps.
    let fallback: Promise<Runner> | undefined;
    const localRunner = async () => {
      if (fallback === undefined) {
        if ((await findLiveRunner(projectRoot)) !== undefined) return undefined;
        options.onNotice?.(`Auto-execution: the background agent (pid ${live.pid}) is gone; the remaining steps run on one inside this process.`);
        fallback = startEmbedded();
      }
      return fallback;
    };
    return new FileTransport({ projectRoot, config, observer, localRunner, ...written });
  }
  if (mode === 'external') throw new TappsError('NO_RUNNER', NO_EXTERNAL_RUNNER_MESSAGE);
  const runner = await startEmbedded();
  options.onNotice?.(
    mode === 'embedded'
      ? 'Auto-execution: running the background agent inside this process for this run (workflow.runner: embedded).'
      : 'Auto-execution: no background agent is running, so one runs inside this process for this run (start a shared one with "tapps-agents background-agent start").',
  );
  return new FileTransport({ projectRoot, config, observer, localRunner: () => Promise.resolve(runner), ...written });
}
