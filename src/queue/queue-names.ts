// The names the queue uses in Redis: one BullMQ queue per project (BullMQ forbids ":" in queue names and custom job
// ids), one job id per attempt, and the keys beside the queue for worker heartbeats and cancellation requests.

/** The BullMQ queue of a project's step jobs. */
export function queueNameOf(projectId: string): string {
  return `steps.${projectId}`;
}

/**
 * The job id of one attempt: deterministic, so adding it again (a resumed executor, a re-enqueue after a Redis
 * restart) is a no-op while the job exists. Run ids and step ids hold no "/" (src/ids.ts), so it is unambiguous.
 */
export function jobIdOf(correlation: { run_id: string; step_id: string; attempt: number }): string {
  return `${correlation.run_id}/${correlation.step_id}/${correlation.attempt}`;
}

/** Where a worker publishes its heartbeat (expires on its own when the worker dies). */
export function workerKey(prefix: string, queueName: string, workerId: string): string {
  return `${prefix}:${queueName}:workers:${workerId}`;
}

/** The pattern of every worker heartbeat key of a queue. */
export function workerKeyPattern(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:workers:*`;
}

/** Set by the executor to ask the worker running a job to stop it (cancel, timeout). */
export function cancelKey(prefix: string, queueName: string, jobId: string): string {
  return `${prefix}:${queueName}:cancel:${jobId}`;
}
