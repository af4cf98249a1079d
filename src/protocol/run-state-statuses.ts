// The statuses state.json may hold, for its schema (run-state-schema.ts) and its fast check (run-state-check.ts).

/** The statuses of a step in state.json. */
export const STEP_STATUS_VALUES = ['pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
/** The statuses of a run in state.json. */
export const RUN_STATUS_VALUES = ['running', 'succeeded', 'completed_with_failures', 'failed', 'cancelled', 'waiting_approval'] as const;
