// Chooses the transport a run uses. Today: inline. The runner work plugs the file transport in here when
// auto-execution is on (see docs/workflows.md "Transports").

import type { ResolvedConfig } from '../config/resolve.js';
import type { ExecutionObserver } from '../observability/observer.js';
import { createInlineTransport } from './inline.js';
import type { Transport } from './transport.js';

export interface SelectTransportOptions {
  projectRoot: string;
  config: ResolvedConfig;
  /** Resolved auto-execution (flag > workflow metadata > config files). */
  autoExecution: boolean;
  observer: ExecutionObserver;
}

/** The transport for a run. */
export function selectTransport(options: SelectTransportOptions): Promise<Transport> {
  return Promise.resolve(
    createInlineTransport({
      projectRoot: options.projectRoot,
      config: options.config,
      logger: options.observer.logger,
      artifactDetection: options.config.autoExecution.features.artifact_detection,
    }),
  );
}
