// The zod schema of state.json: what RunStore writes is what readRunState accepts. A file that parses but lacks
// fields (`executor: null`, no `steps`) is a damaged run, reported as such, never cast and crashed on later. Readers
// check by hand first (run-state-check.ts) and load this only for a state that fails that check.

import { z } from 'zod';
import { RUN_STATUS_VALUES, STEP_STATUS_VALUES } from './run-state-statuses.js';

export const stepStateSchema = z
  .object({
    name: z.string(),
    status: z.enum(STEP_STATUS_VALUES),
    attempt: z.number().int().min(0),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    step_dir: z.string(),
    work_dir: z.string(),
    outputs: z.record(z.string(), z.unknown()),
    artifacts: z.array(z.string()),
    error: z.object({ message: z.string(), code: z.string(), retryable: z.boolean() }).loose().nullable(),
  })
  .loose();

/** state.json, schemaVersion 1. Unknown fields are kept (a newer minor version may add some). */
export const runStateSchema = z
  .object({
    schemaVersion: z.literal(1),
    run_id: z.string().min(1),
    workflow_id: z.string(),
    workflow_name: z.string(),
    workflow_file: z.string(),
    status: z.enum(RUN_STATUS_VALUES),
    executor: z.object({ pid: z.number().int(), host: z.string(), start: z.string().optional() }).loose(),
    started_at: z.string(),
    updated_at: z.string(),
    completed_at: z.string().nullable(),
    error: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    auto_execution: z.boolean(),
    transport: z.string(),
    gate_iterations: z.record(z.string(), z.number()),
    steps: z.record(z.string(), stepStateSchema),
  })
  .loose();
