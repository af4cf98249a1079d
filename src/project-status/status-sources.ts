// Where `auto-execution status` (and the dashboard's /api/runners) learns about active runs and runners. Runs come
// from the run store's own validated reader (a damaged state.json is reported, never guessed at); runners from the
// protocol's runner status reader, judged by its one liveness rule (runnerIsAlive / runnerStall), so this view, the
// health check and the dispatch decision never disagree about whether a runner is there. Queue workers on any machine
// come from their heartbeats in Redis (src/queue/queue-overview.ts), read only when the project uses or names a queue.

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULTS } from '../config/defaults.js';
import { configPaths } from '../config/project-root.js';
import { readEmbeddedRunnerFiles } from '../protocol/embedded-runner-status.js';
import { workflowStateRoot } from '../protocol/run-paths.js';
import { readRunnerStatusFile, runnerIsAlive, runnerStall, runnerStatusFile, type RunnerSlot, type RunnerStatus, type RunnerStatusFileReading } from '../protocol/runner-status.js';
import type { QueueOverview } from '../queue/queue-overview.js';
import type { DamagedRun } from '../workflow/run-list.js';
import type { RunState } from '../workflow/run-state.js';

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
  /** True when running, by the one rule of {@link runnerIsAlive} (pid on this host, heartbeat from another). */
  alive: boolean;
  /** True when its pid is alive on this host but it has sent no heartbeat for STALL_INTERVALS (SIGSTOP, hung). */
  stalled: boolean;
  /** Its step slots (global.max_parallel_agents); null when its status file does not say (an older runner). */
  max_parallel: number | null;
  /** How many slots run a step, as its status file says. */
  busy: number;
  /** The busy slots: which attempt of which step of which run each runs (empty when its file lists none). */
  slots: RunnerSlot[];
}

/** A runner status file that is there but cannot be used, and why ("is empty", "has no host"…). */
export interface UnusableRunnerFile {
  /** Relative to the project root. */
  file: string;
  problem: string;
}

/** The project's queue as `auto-execution status` shows it: its overview, or why it could not be read. */
export type QueueStatus = ({ reachable: true } & QueueOverview) | { reachable: false; /** Password masked. */ url: string; error: string };

/** The sources of live information for `auto-execution status`. */
export interface StatusSources {
  /** Runs that are running or waiting for an approval, and the runs whose state.json cannot be used. */
  listActiveRuns(): Promise<{ runs: ActiveRun[]; damaged: DamagedRun[] }>;
  /** The daemon (status.json) and the embedded runners, and the status files that cannot be used. */
  listRunners(): Promise<{ runners: RunnerInfo[]; unusable: UnusableRunnerFile[] }>;
  /** The queue's depth and live workers; undefined when the project neither uses nor names a queue (or its configuration is invalid). */
  readQueue(): Promise<QueueStatus | undefined>;
}

/**
 * Status sources reading `.tapps-agents/workflow-state/<run-id>/state.json` (runs whose status is `running` or
 * `waiting_approval`), `.tapps-agents/runner/status.json` and `.tapps-agents/runner/embedded/*.json`.
 */
export function fileStatusSources(projectRoot: string, now: () => number = Date.now): StatusSources {
  return {
    async listActiveRuns() {
      const names = await readdir(workflowStateRoot(projectRoot)).catch(() => []);
      // Loaded only when there are runs: the run store's reader brings the validation library (~25 ms to load), which
      // `auto-execution status` in a project without runs does not need.
      if (names.length === 0) return { runs: [], damaged: [] };
      const [{ listRunStates }, { displayedStatus }] = await Promise.all([import('../workflow/run-list.js'), import('../workflow/run-state.js')]);
      const { states, damaged } = await listRunStates(projectRoot);
      const runs = states
        .filter((state) => state.status === 'running' || state.status === 'waiting_approval')
        .sort((a, b) => a.run_id.localeCompare(b.run_id))
        .map((state) => activeRun(state, displayedStatus(state) === 'interrupted', projectRoot));
      return { runs, damaged };
    },
    async listRunners() {
      const [daemon, embedded] = await Promise.all([readRunnerStatusFile(runnerStatusFile(projectRoot)), readEmbeddedRunnerFiles(projectRoot)]);
      const runners: RunnerInfo[] = [];
      const unusable: UnusableRunnerFile[] = [];
      const take = (reading: RunnerStatusFileReading, mode: RunnerInfo['mode']) => {
        if (reading.kind === 'usable') runners.push(runnerInfo(reading.status, mode, now()));
        if (reading.kind === 'unusable') unusable.push({ file: relativeToProject(reading.file, projectRoot), problem: reading.problem });
      };
      take(daemon, 'daemon');
      for (const reading of embedded) take(reading, 'embedded');
      return { runners, unusable };
    },
    async readQueue() {
      // Without config.yaml or TAPPS_AGENTS_REDIS_URL nothing can name a queue: nothing more is loaded or read.
      if (process.env[DEFAULTS.queue.urlVariable] === undefined && !(await isFile(configPaths(projectRoot).projectConfig))) return undefined;
      const [{ resolveConfig }, { queueIsConfigured, queueUrlOf }] = await Promise.all([import('../config/resolve.js'), import('../config/queue-configured.js')]);
      // An invalid configuration is health's to report; status shows what it can.
      const config = await resolveConfig({ projectRoot }).catch(() => undefined);
      if (config === undefined || !queueIsConfigured(config)) return undefined;
      // bullmq and ioredis load only now, for a project that uses or names a queue.
      const [{ readQueueOverview }, { maskRedisUrl }, { TappsError }] = await Promise.all([import('../queue/queue-overview.js'), import('../config/redis-url.js'), import('../errors.js')]);
      try {
        return { reachable: true, ...(await readQueueOverview(config)) };
      } catch (error) {
        if (!TappsError.is(error)) throw error;
        return { reachable: false, url: maskRedisUrl(queueUrlOf(config)), error: error.message };
      }
    },
  };
}

function activeRun(state: RunState, interrupted: boolean, projectRoot: string): ActiveRun {
  const steps = Object.entries(state.steps).flatMap(([stepId, step]): RunningStep[] =>
    step.status === 'running' ? [{ step_id: stepId, status: 'running', attempt: step.attempt, started_at: step.started_at, step_dir: relativeToProject(step.step_dir, projectRoot) }] : [],
  );
  return {
    run_id: state.run_id,
    workflow_id: state.workflow_id,
    status: interrupted ? 'interrupted' : (state.status as 'running' | 'waiting_approval'),
    executor: { pid: state.executor.pid, host: state.executor.host },
    started_at: state.started_at,
    steps,
  };
}

function runnerInfo(status: RunnerStatus, mode: RunnerInfo['mode'], now: number): RunnerInfo {
  return {
    mode,
    run_id: mode === 'embedded' ? (status.run_id ?? null) : null,
    id: status.id,
    pid: status.pid,
    host: status.host,
    state: status.state,
    started_at: status.started_at,
    heartbeat_at: status.heartbeat_at,
    alive: runnerIsAlive(status, now),
    stalled: runnerStall(status, now) !== undefined,
    max_parallel: status.max_parallel ?? null,
    // A file written before slots were published has only the count.
    busy: status.slots?.length ?? status.counts.running,
    slots: status.slots ?? [],
  };
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((info) => info.isFile(), () => false);
}

function relativeToProject(dir: string, projectRoot: string): string {
  const absolute = path.resolve(projectRoot, dir);
  const relative = path.relative(projectRoot, absolute);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}
