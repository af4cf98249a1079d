// The executor asks an out-of-process runner to stop a step by writing the cancel file beside the command file; the
// runner looks for it every heartbeat interval while the step runs.

import { access } from 'node:fs/promises';
import path from 'node:path';
import { heartbeatIntervalMs } from '../protocol/liveness.js';
import { CANCEL_FILE_NAME } from '../protocol/paths.js';

/** Aborts `controller` once the cancel file beside `commandFile` appears; returns the function that stops looking. */
export function watchCancelFile(commandFile: string, controller: AbortController): () => void {
  const cancelFile = path.join(path.dirname(commandFile), CANCEL_FILE_NAME);
  const timer = setInterval(() => {
    access(cancelFile).then(() => controller.abort(), () => undefined);
  }, heartbeatIntervalMs());
  return () => clearInterval(timer);
}
