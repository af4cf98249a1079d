// orchestrator `finalize` (alias `complete`): writes a run summary (JSON + Markdown) from what the context knows —
// correlation and input artifacts always, and every step's outcome and usage when the executor passes `runSummary`.

import { z } from 'zod';
import type { Usage } from '../../observability/observer.js';
import type { ActionDefinition } from '../action.js';
import { writeReports } from '../builtin/report-files.js';
import type { RunSummaryStep } from '../skill.js';
import { relativePath } from '../model/project-path.js';

const paramsSchema = z.strictObject({
  report_file: relativePath('Report base name (".json" and ".md" are written).').default('run-summary'),
  title: z.string().optional().describe('Heading of the summary.'),
});

type Params = z.output<typeof paramsSchema>;

export const finalize: ActionDefinition<Params> = {
  agent: 'orchestrator',
  name: 'finalize',
  aliases: ['complete', 'summarize'],
  kind: 'builtin',
  description: 'Write a run summary artifact: steps, outcomes, artifacts, usage.',
  params: paramsSchema,
  artifacts: (params) => [`${params.report_file}.json`, `${params.report_file}.md`],
  async run(params, context) {
    const summary = context.runSummary;
    // This step itself is still running: it is not part of the summary.
    const steps = (summary?.steps ?? []).filter((step) => step.step_id !== context.correlation.step_id);
    const counts: Record<string, number> = {};
    for (const step of steps) counts[step.status] = (counts[step.status] ?? 0) + 1;
    const usage = totalUsage(steps);
    const json = {
      workflow_id: context.correlation.workflow_id,
      run_id: context.correlation.run_id,
      workflow_name: summary?.workflow_name ?? null,
      started_at: summary?.started_at ?? null,
      finalized_at: new Date().toISOString(),
      step_results_known: summary !== undefined,
      counts,
      usage,
      steps,
      inputs: Object.keys(context.inputs),
    };
    const artifacts = await writeReports(context.stepDir, params.report_file, json, markdown(params.title ?? `Run ${context.correlation.run_id}`, json, steps));
    const failedSteps = steps.filter((step) => step.status === 'failed' || step.status === 'timeout').length;
    return {
      status: 'success',
      outputs: { steps: steps.length, failed_steps: failedSteps, succeeded_steps: counts.success ?? 0, step_results_known: summary !== undefined, ...usage },
      artifacts,
      output: summary === undefined ? `summary written (step results were not provided)` : `summary of ${steps.length} steps written (${failedSteps} failed)`,
    };
  },
};

function totalUsage(steps: RunSummaryStep[]): { input_tokens: number; output_tokens: number; cost_usd: number } {
  const sum = (pick: (usage: Usage) => number | undefined) => steps.reduce((total, step) => total + (step.usage === undefined ? 0 : (pick(step.usage) ?? 0)), 0);
  return { input_tokens: sum((u) => u.input_tokens), output_tokens: sum((u) => u.output_tokens), cost_usd: Math.round(sum((u) => u.cost_usd) * 1e6) / 1e6 };
}

function markdown(title: string, json: { workflow_id: string; run_id: string; counts: Record<string, number>; usage: ReturnType<typeof totalUsage>; inputs: string[]; step_results_known: boolean }, steps: RunSummaryStep[]): string {
  const lines = [`# ${title}`, '', `- workflow: ${json.workflow_id}`, `- run: ${json.run_id}`];
  if (!json.step_results_known) lines.push('- step results: not provided by the executor (only this step\'s inputs are listed)');
  else lines.push(`- steps: ${Object.entries(json.counts).map(([status, count]) => `${count} ${status}`).join(', ') || 'none'}`);
  lines.push(`- tokens: ${json.usage.input_tokens} in, ${json.usage.output_tokens} out${json.usage.cost_usd > 0 ? `; cost $${json.usage.cost_usd}` : ''}`, '');
  if (steps.length > 0) {
    lines.push('| step | agent action | status | attempts | duration | artifacts | error |', '|---|---|---|---|---|---|---|');
    for (const step of steps) {
      const duration = step.duration_ms === undefined ? '' : `${(step.duration_ms / 1000).toFixed(1)} s`;
      lines.push(`| ${step.step_id} | ${step.agent} ${step.action} | ${step.status} | ${step.attempts ?? ''} | ${duration} | ${(step.artifacts ?? []).join(', ')} | ${(step.error_message ?? '').replaceAll('|', '\\|')} |`);
    }
    lines.push('');
  }
  if (json.inputs.length > 0) lines.push('## Inputs', '', ...json.inputs.map((input) => `- ${input}`), '');
  return lines.join('\n');
}
