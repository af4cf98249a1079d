// The JSON shape of `auto-execution metrics --json`, shared by the CLI and the dashboard's /api/metrics so both show
// the same numbers for the same filter.

import type { MetricsReport } from './execution-queries.js';

/** `auto-execution metrics --json` for `report` and the filter that produced it. */
export function metricsJson(report: MetricsReport, filter: { workflowId?: string | undefined; since?: Date | undefined }) {
  const { unreadable, ...summary } = report.summary;
  return {
    filter: { workflow_id: filter.workflowId ?? null, since: filter.since?.toISOString() ?? null },
    ...summary,
    unreadable_lines: unreadable,
    pruned: report.pruned === null ? null : { retention_days: report.pruned.retentionDays, kept_from: report.pruned.keptFrom, deleted: report.pruned.deleted },
  };
}
