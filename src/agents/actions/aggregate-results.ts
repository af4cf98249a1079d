// orchestrator `aggregate-results` (the original presets' `aggregate_results`): one merged report of the reports the
// earlier steps wrote — every `.json` report parsed into one JSON document, every `.md` report under one heading each.

import { z } from 'zod';
import type { ActionDefinition } from '../action.js';
import { writeReports } from '../builtin/report-files.js';
import { resolveProjectFile } from '../builtin/work-dir.js';
import { relativePath } from '../model/project-path.js';
import { readRegularFile } from '../../fs/read-regular-file.js';

const paramsSchema = z.strictObject({
  report_file: relativePath('Report base name (".json" and ".md" are written).').default('aggregated-results'),
  title: z.string().optional().describe('Heading of the merged report.'),
});

type Params = z.output<typeof paramsSchema>;

/** Longest Markdown report copied whole into the merged one. */
const MAX_MARKDOWN_CHARS = 20_000;

export const aggregateResults: ActionDefinition<Params> = {
  agent: 'orchestrator',
  name: 'aggregate-results',
  aliases: ['aggregate'],
  kind: 'builtin',
  description: "Merge the earlier steps' reports (JSON and Markdown) into one report.",
  params: paramsSchema,
  artifacts: (params) => [`${params.report_file}.json`, `${params.report_file}.md`],
  async run(params, context) {
    const own = new Set([`${params.report_file}.json`, `${params.report_file}.md`]);
    const steps = (context.runSummary?.steps ?? []).filter((step) => step.step_id !== context.correlation.step_id && step.status === 'success');
    const merged: { step_id: string; agent: string; action: string; outputs: Record<string, unknown>; reports: Record<string, unknown> }[] = [];
    const sections: string[] = [];
    for (const step of steps) {
      const reports: Record<string, unknown> = {};
      const pages: string[] = [];
      for (const artifact of (step.artifacts ?? []).filter((file) => !own.has(file))) {
        const text = await readRegularFile(resolveProjectFile(context, artifact)).catch(() => undefined);
        if (text === undefined) continue;
        if (artifact.endsWith('.json')) {
          try {
            reports[artifact] = JSON.parse(text) as unknown;
          } catch {
            reports[artifact] = { unreadable: 'not valid JSON' };
          }
        } else if (/\.(md|markdown|txt)$/i.test(artifact)) {
          pages.push(`### ${artifact}\n\n${text.length > MAX_MARKDOWN_CHARS ? `${text.slice(0, MAX_MARKDOWN_CHARS)}\n\n… (cut; see ${artifact})` : text.trim()}`);
        }
      }
      merged.push({ step_id: step.step_id, agent: step.agent, action: step.action, outputs: step.outputs ?? {}, reports });
      sections.push(`## ${step.step_id} (${step.agent} ${step.action})`, '', ...(pages.length === 0 ? ['No Markdown report.'] : pages), '');
    }
    const title = params.title ?? `Results of run ${context.correlation.run_id}`;
    const json = { workflow_id: context.correlation.workflow_id, run_id: context.correlation.run_id, step_results_known: context.runSummary !== undefined, steps: merged };
    const artifacts = await writeReports(context.stepDir, params.report_file, json, [`# ${title}`, '', `${merged.length} steps' reports merged.`, '', ...sections].join('\n'));
    const reportCount = merged.reduce((total, step) => total + Object.keys(step.reports).length, 0);
    return { status: 'success', outputs: { steps: merged.length, json_reports: reportCount }, artifacts, output: `merged the reports of ${merged.length} steps` };
  },
};
