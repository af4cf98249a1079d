// Metrics: the numbers of `auto-execution metrics --json` for the same filter (it is the same call), as cards and
// charts: success rate, durations (average, p50, p95), retries, tokens and cost, by status and by agent/action.

import { get } from './api.js';
import { barChart } from './bar-chart.js';
import { h, show } from './dom.js';
import { duration, rate, time } from './format.js';
import { coalesce, listen } from './live.js';

interface Metrics {
  total_executions: number;
  success_rate: number | null;
  average_duration_ms: number | null;
  p50_duration_ms: number | null;
  p95_duration_ms: number | null;
  total_retries: number;
  by_status: Record<string, number>;
  by_agent_action: { agent: string; action: string; total: number; success_rate: number | null; average_duration_ms: number | null }[];
  usage: { executions_with_usage: number; input_tokens: number; output_tokens: number; cost_usd: number };
  first_completed_at: string | null;
  last_completed_at: string | null;
}

const filter = { workflow_id: '', since: '' };

function card(label: string, value: string, name: string): HTMLElement {
  return h('div', { class: 'metric', 'data-metric': name }, h('span', { class: 'sub' }, label), h('strong', {}, value));
}

export function metricsPage(root: HTMLElement): void {
  const message = h('p', { class: 'error', role: 'alert' });
  const body = h('div');
  const load = coalesce(async () => {
    const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== ''));
    try {
      const m = await get<Metrics>(`/api/metrics?${query.toString()}`);
      message.textContent = '';
      if (m.total_executions === 0) {
        show(body, h('p', { class: 'empty' }, 'No executions recorded yet (metrics are written when steps finish).'));
        return;
      }
      show(
        body,
        h(
          'div',
          { class: 'cards' },
          card('Executions', String(m.total_executions), 'total_executions'),
          card('Success rate', rate(m.success_rate), 'success_rate'),
          card('Average', duration(m.average_duration_ms), 'average_duration_ms'),
          card('p50', duration(m.p50_duration_ms), 'p50_duration_ms'),
          card('p95', duration(m.p95_duration_ms), 'p95_duration_ms'),
          card('Retries', String(m.total_retries), 'total_retries'),
          card('Tokens in/out', `${m.usage.input_tokens.toLocaleString('en-US')} / ${m.usage.output_tokens.toLocaleString('en-US')}`, 'tokens'),
          card('Cost', `$${m.usage.cost_usd.toFixed(4)}`, 'cost_usd'),
        ),
        h('p', { class: 'sub' }, `Period: ${time(m.first_completed_at)} to ${time(m.last_completed_at)}`),
        h('section', { class: 'card' }, h('h2', {}, 'By status'), barChart(Object.entries(m.by_status).filter(([, count]) => count > 0).map(([status, count]) => ({ label: status, value: count, kind: status })))),
        h('section', { class: 'card' }, h('h2', {}, 'Durations'), barChart([['average', m.average_duration_ms], ['p50', m.p50_duration_ms], ['p95', m.p95_duration_ms]].map(([label, value]) => ({ label: String(label), value: Number(value ?? 0), text: duration(value as number | null) })))),
        h(
          'section',
          { class: 'card' },
          h('h2', {}, 'By agent/action: executions'),
          barChart(m.by_agent_action.map((entry) => ({ label: `${entry.agent} ${entry.action}`, value: entry.total, text: `${entry.total} · ${rate(entry.success_rate)} · avg ${duration(entry.average_duration_ms)}` })), 760),
        ),
      );
    } catch (error) {
      message.textContent = (error as Error).message;
    }
  });
  const input = (name: 'workflow_id' | 'since', label: string, placeholder: string) =>
    h('label', {}, `${label} `, h('input', { name, placeholder, value: filter[name], onchange: (event: Event) => ((filter[name] = (event.target as HTMLInputElement).value.trim()), load()) }));
  show(root, h('h1', {}, 'Metrics'), h('div', { class: 'filters' }, input('workflow_id', 'Workflow id', 'all'), input('since', 'Since', 'e.g. 24h, 7d or an ISO time')), message, body);
  listen({ onReady: load, onRunsChanged: load });
}
