// Where `auto-execution status` learns about active runs and runners. The workflow engine and the runner own those
// files; this reads them as they are documented (PRODUCT.md §2, §3) and tolerates missing or corrupt ones.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { observabilityPaths } from './layout.js';
import { processLiveness } from '../exec/process-alive.js';
import { readEmbeddedRunnerStatuses } from '../protocol/embedded-runner-status.js';
import { RUNNER_HEARTBEAT_MS, runnerIsAlive, runnerStall, type RunnerStatus } from '../protocol/runner-status.js';
import { stallOf } from '../protocol/liveness.js';
import { hostname } from 'node:os';
import { readRegularFile } from '../fs/read-regular-file.js';

/** A heartbeat older than this means a runner on another host is gone. */
export const RUNNER_STALE_MS = 60_000;

/** A step that is running now. */
export interface RunningStep {
  step_id: string;
  status: string;
  attempt: number | null;
  started_at: string | null;
  /** Where its command and status files are (relative to the project root when inside it). */
  step_dir: string | null;
}

/** A run whose state says `running`; `interrupted` when its executor process is gone (pid dead on this host). */
export interface ActiveRun {
  run_id: string;
  workflow_id: string;
  status: 'running' | 'waiting_approval' | 'interrupted';
  executor: { pid: number; host: string } | null;
  started_at: string | null;
  steps: RunningStep[];
}

/** A background-agent runner as its status file describes it. */
export interface RunnerInfo {
  /** `daemon`: the shared background agent; `embedded`: one running inside a `workflow execute` for its run. */
  mode: 'daemon' | 'embedded';
  /** The run an embedded runner serves. */
  run_id: string | null;
  id: string | null;
  pid: number;
  host: string;
  state: string;
  started_at: string | null;
  heartbeat_at: string | null;
  /**
   * True when running. The daemon: pid alive on this host, or a fresh heartbeat from another host. An embedded runner:
   * also a heartbeat within three intervals, as its files outlive a killed executor whose pid may be reused.
   */
  alive: boolean;
  /** True when its pid is alive on this host but it has sent no heartbeat for STALL_INTERVALS (SIGSTOP, hung). */
  stalled: boolean;
}

/** The sources of live information for `auto-execution status`; the lead wires the engine's and runner's own. */
export interface StatusSources {
  listActiveRuns(): Promise<ActiveRun[]>;
  listRunners(): Promise<RunnerInfo[]>;
}

/**
 * Status sources reading `.tapps-agents/workflow-state/<run-id>/state.json` (runs whose status is `running`) and
 * `.tapps-agents/runner/status.json`.
 */
export function fileStatusSources(projectRoot: string, now: () => number = Date.now): StatusSources {
  const paths = observabilityPaths(projectRoot);
  return {
    async listActiveRuns() {
      let names: string[];
      try {
        names = await readdir(paths.workflowStateDir);
      } catch {
        return [];
      }
      const runs = await Promise.all(names.sort().map((name) => readRun(path.join(paths.workflowStateDir, name, 'state.json'), projectRoot)));
      return runs.filter((run): run is ActiveRun => run !== undefined);
    },
    async listRunners() {
      const [value, embedded] = await Promise.all([readJson(paths.runnerStatusFile), readEmbeddedRunnerStatuses(projectRoot)]);
      const daemon = value === undefined ? undefined : toRunner(value, now());
      return [...(daemon === undefined ? [] : [daemon]), ...embedded.map((status) => toEmbeddedRunner(status, now()))];
    },
  };
}

async function readRun(file: string, projectRoot: string): Promise<ActiveRun | undefined> {
  const state = await readJson(file);
  if (state === undefined || (state.status !== 'running' && state.status !== 'waiting_approval')) return undefined;
  const executor = asRecord(state.executor);
  const pid = typeof executor?.pid === 'number' ? executor.pid : undefined;
  const host = typeof executor?.host === 'string' ? executor.host : undefined;
  const gone = pid !== undefined && processLiveness(pid, host) === false;
  const steps = Object.entries(asRecord(state.steps) ?? {}).flatMap(([stepId, raw]): RunningStep[] => {
    const step = asRecord(raw);
    if (step?.status !== 'running') return [];
    const stepDir = typeof step.step_dir === 'string' ? step.step_dir : null;
    return [
      {
        step_id: stepId,
        status: 'running',
        attempt: typeof step.attempt === 'number' ? step.attempt : null,
        started_at: typeof step.started_at === 'string' ? step.started_at : null,
        step_dir: stepDir === null ? null : relativeToProject(stepDir, projectRoot),
      },
    ];
  });
  return {
    run_id: typeof state.run_id === 'string' ? state.run_id : path.basename(path.dirname(file)),
    workflow_id: typeof state.workflow_id === 'string' ? state.workflow_id : '?',
    status: gone ? 'interrupted' : state.status,
    executor: pid === undefined ? null : { pid, host: host ?? '?' },
    started_at: typeof state.started_at === 'string' ? state.started_at : null,
    steps,
  };
}

function toRunner(value: Record<string, unknown>, now: number): RunnerInfo | undefined {
  if (typeof value.pid !== 'number') return undefined;
  const host = typeof value.host === 'string' ? value.host : '?';
  const heartbeat = typeof value.heartbeat_at === 'string' ? value.heartbeat_at : null;
  const state = typeof value.state === 'string' ? value.state : 'unknown';
  const liveness = processLiveness(value.pid, host);
  const fresh = heartbeat !== null && now - Date.parse(heartbeat) < RUNNER_STALE_MS;
  const stalled = state !== 'stopped' && host === hostname() && stallOf(value.pid, host, Date.parse(heartbeat ?? '') || 0, now, RUNNER_HEARTBEAT_MS) !== undefined;
  return {
    mode: 'daemon',
    run_id: null,
    id: typeof value.id === 'string' ? value.id : null,
    pid: value.pid,
    host,
    state,
    started_at: typeof value.started_at === 'string' ? value.started_at : null,
    heartbeat_at: heartbeat,
    alive: state !== 'stopped' && (liveness ?? fresh) && !stalled,
    stalled,
  };
}

function toEmbeddedRunner(status: RunnerStatus, now: number): RunnerInfo {
  return {
    mode: 'embedded',
    run_id: status.run_id ?? null,
    id: status.id,
    pid: status.pid,
    host: status.host,
    state: status.state,
    started_at: status.started_at,
    heartbeat_at: status.heartbeat_at,
    alive: runnerIsAlive(status, now),
    stalled: runnerStall(status, now) !== undefined,
  };
}

/** Reads a JSON object; undefined when missing, unreadable or not an object. */
export async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return asRecord(JSON.parse(await readRegularFile(file)));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function relativeToProject(dir: string, projectRoot: string): string {
  const absolute = path.resolve(projectRoot, dir);
  const relative = path.relative(projectRoot, absolute);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}
