// The shapes of the API's answers that the pages use (docs/dashboard.md lists every field).

export interface RunListEntry {
  run_id: string;
  workflow_id: string;
  workflow_name: string;
  status: string;
  started_at: string;
  completed_at: string | null;
  steps: Record<string, number>;
}

export interface StepState {
  name: string;
  status: string;
  attempt: number;
  started_at: string | null;
  completed_at: string | null;
  step_dir: string;
  work_dir: string;
  outputs: Record<string, unknown>;
  artifacts: string[];
  error: { message: string; code: string; retryable: boolean } | null;
  skip_reason?: string;
  retry_at?: string;
  agent?: string;
  action?: string;
}

export interface RunEvent {
  type: string;
  ts: string;
  stepId?: string;
  [field: string]: unknown;
}

export interface RunDetail {
  run_id: string;
  workflow_id: string;
  workflow_name: string;
  workflow_file: string;
  status: string;
  stored_status: string;
  summary: string;
  started_at: string;
  completed_at: string | null;
  error: string | null;
  executor: { pid: number; host: string };
  transport: string;
  steps: Record<string, StepState>;
  graph: Record<string, { depends_on: string[]; kind: 'approval' | 'action'; engine: string | null }>;
  events: RunEvent[];
  events_offset: number;
}
