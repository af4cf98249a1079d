// Valid on-disk files for tests that set a project up by hand: a runner status file and a run's state.json, each
// complete (what tapps-agents itself writes) so a test states only the fields it is about.

import { hostname } from 'node:os';

/** The text of a runner status file: this process on this host, running, beating now, unless `fields` say otherwise. */
export function runnerStatusJson(fields: Record<string, unknown> = {}): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    id: 'runner-1',
    pid: process.pid,
    host: hostname(),
    started_at: now,
    heartbeat_at: now,
    state: 'running',
    watch_paths: ['.cursor-skill-command.txt'],
    counts: { claimed: 0, running: 0, finished: 0, failed: 0, refused: 0 },
    ...fields,
  });
}

/** One step of a state.json, pending unless `fields` say otherwise. */
export function stepState(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, status: 'pending', attempt: 0, started_at: null, completed_at: null, step_dir: `/steps/${name}`, work_dir: '/project', outputs: {}, artifacts: [], error: null, ...fields };
}

/** The text of a state.json: run `runId` of workflow `wf`, running, executed by this process, unless `fields` say otherwise. */
export function runStateJson(runId: string, fields: Record<string, unknown> = {}): string {
  const at = '2026-11-24T10:00:00.000Z';
  return JSON.stringify({
    schemaVersion: 1,
    run_id: runId,
    workflow_id: 'wf',
    workflow_name: 'Wf',
    workflow_file: '/project/wf.yaml',
    status: 'running',
    executor: { pid: process.pid, host: hostname() },
    started_at: at,
    updated_at: at,
    completed_at: null,
    error: null,
    params: {},
    auto_execution: true,
    transport: 'file',
    gate_iterations: {},
    steps: {},
    ...fields,
  });
}

/** Runner status texts no observer can use, and the problem each is reported with. */
export const UNUSABLE_RUNNER_FILES: [string, string, string][] = [
  ['empty', '', 'is empty'],
  ['truncated JSON', '{"id": "runner-1", "pid": 4', 'is not valid JSON (cut short, or edited by hand)'],
  ['not an object', '[1, 2]', 'is not a JSON object'],
  ['no host', JSON.stringify({ ...JSON.parse(runnerStatusJson()), host: undefined }), 'has no host'],
  ['a pid of the wrong type', runnerStatusJson({ pid: '42' }), 'has a pid that is not an integer ("42")'],
  ['a heartbeat that is no time', runnerStatusJson({ heartbeat_at: 'soon' }), 'has a heartbeat_at that is not a timestamp ("soon")'],
];
