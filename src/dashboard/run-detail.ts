// One run as the Run page shows it: `workflow status --json` (the same library call), each step's dependencies
// from the run's own workflow copy (the one `workflow resume` runs), and its event history for the attempt timeline.

import { loadWorkflow } from '../workflow/load-workflow.js';
import { runStatus, runStatusJson } from '../workflow/run-control.js';
import { runPaths } from '../protocol/run-paths.js';
import { readRunEvents } from './run-events.js';

/** The status of a run's steps, its graph, and its events. */
export async function runDetail(projectRoot: string, runId: string) {
  const report = await runStatus(projectRoot, runId);
  const { state } = report;
  const [loaded, history] = await Promise.all([loadWorkflow(runPaths(projectRoot, runId).workflow, { params: state.params }), readRunEvents(projectRoot, runId)]);
  const graph: Record<string, { depends_on: string[]; kind: 'approval' | 'action'; engine: string | null }> = {};
  for (const step of loaded.workflow?.steps ?? []) {
    graph[step.id] = { depends_on: step.dependsOn, kind: step.approval === undefined ? 'action' : 'approval', engine: step.engine ?? null };
  }
  return {
    ...runStatusJson(report),
    graph,
    events: history.events,
    events_offset: history.offset,
  };
}
