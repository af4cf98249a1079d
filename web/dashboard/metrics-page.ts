// Metrics: the numbers of `auto-execution metrics --json` for the same filter (it is the same call), as cards and
// charts: success rate, durations (average, p50, p95), retries, tokens and cost, by status and by agent/action (with
// each pair's tokens and cost, as a chart and a table), and
// executions, success rate, p50/p95, retries, tokens and cost per hour or day (the series `over_time` of the same
// answer).

import { get } from './api.js';
import { barChart } from './bar-chart.js';
import { timeChart } from './time-chart.js';
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
  by_agent_action: { agent: string; action: string; total: number; success_rate: number | null; average_duration_ms: number | null; usage: Usage }[];
  usage: Usage;
  first_completed_at: string | null;
  last_completed_at: string | null;
  over_time: OverTime;
}

interface Usage {
  executions_with_usage: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

const tokens = (value: number) => value.toLocaleString('en-US');
const dollars = (value: number) => `$${value.toFixed(4)}`;

/** Each agent/action's executions, success rate, average duration, tokens and cost, as the CLI's table has them. */
function agentActionTable(entries: Metrics['by_agent_action']): HTMLElement {
  return h(
    'table',
    { class: 'agent-actions' },
    h('thead', {}, h('tr', {}, ['Agent', 'Action', 'Executions', 'Success rate', 'Average', 'Tokens in / out', 'Cost'].map((title) => h('th', {}, title)))),
    h(
      'tbody',
      {},
      entries.map((entry) =>
        h(
          'tr',
          { 'data-agent-action': `${entry.agent} ${entry.action}` },
          h('td', {}, entry.agent),
          h('td', {}, entry.action),
          h('td', {}, String(entry.total)),
          h('td', {}, rate(entry.success_rate)),
          h('td', {}, duration(entry.average_duration_ms)),
          h('td', { 'data-field': 'tokens' }, `${tokens(entry.usage.input_tokens)} / ${tokens(entry.usage.output_tokens)}`),
          h('td', { 'data-field': 'cost_usd' }, dollars(entry.usage.cost_usd)),
        ),
      ),
    ),
  );
}

interface OverTime {
  bucket: 'hour' | 'day';
  series: { start: string; total_executions: number; success_rate: number | null; p50_duration_ms: number | null; p95_duration_ms: number | null; retries: number; input_tokens: number; output_tokens: number; cost_usd: number }[];
}

/** A bucket's label in UTC: "11-23" for a day; "08:00" for an hour, with the date on the first and at midnight. */
function bucketLabel(start: string, index: number, bucket: OverTime['bucket']): string {
  const day = start.slice(5, 10);
  if (bucket === 'day') return day;
  const hour = start.slice(11, 16);
  return index === 0 || hour === '00:00' ? `${day} ${hour}` : hour;
}

/** Executions, success rate and p50/p95 duration per bucket; the page says which bucket size the server chose. */
function overTime(data: OverTime): HTMLElement {
  const labels = data.series.map((bucket, index) => bucketLabel(bucket.start, index, data.bucket));
  const unit = data.bucket === 'hour' ? 'hour' : 'day';
  const pick = (field: 'total_executions' | 'success_rate' | 'p50_duration_ms' | 'p95_duration_ms' | 'retries' | 'input_tokens' | 'output_tokens' | 'cost_usd') => data.series.map((bucket) => bucket[field]);
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  return h(
    'section',
    { class: 'card', 'data-over-time': data.bucket },
    h('h2', {}, `Over time: per ${unit} (UTC)`),
    h('p', { class: 'sub' }, `${data.series.length} ${unit}s from ${data.series[0]?.start.slice(0, 16).replace('T', ' ') ?? '–'} UTC. By hour when the first and last execution are at most 48 hours apart, else by day.`),
    h('h3', {}, `Executions per ${unit}`),
    timeChart({ name: 'executions', labels, lines: [{ name: 'executions', kind: 'success', values: pick('total_executions') }], bars: true, format: (value) => String(Math.round(value)) }),
    h('h3', {}, 'Success rate'),
    timeChart({ name: 'success_rate', labels, lines: [{ name: 'success rate', kind: 'rate', values: pick('success_rate') }], max: 1, format: rate }),
    h('h3', {}, 'Duration', h('span', { class: 'legend' }), 'p50', h('span', { class: 'legend p95' }), 'p95'),
    timeChart({ name: 'duration', labels, lines: [{ name: 'p50', kind: 'p50', values: pick('p50_duration_ms') }, { name: 'p95', kind: 'p95', values: pick('p95_duration_ms') }], format: duration }),
    h('h3', {}, `Retries per ${unit}`),
    timeChart({ name: 'retries', labels, lines: [{ name: 'retries', kind: 'retry_wait', values: pick('retries') }], bars: true, format: count }),
    h('h3', {}, `Tokens per ${unit}`, h('span', { class: 'legend' }), 'in', h('span', { class: 'legend p95' }), 'out'),
    timeChart({ name: 'tokens', labels, lines: [{ name: 'tokens in', kind: 'p50', values: pick('input_tokens') }, { name: 'tokens out', kind: 'p95', values: pick('output_tokens') }], format: count }),
    h('h3', {}, `Cost per ${unit}`),
    timeChart({ name: 'cost_usd', labels, lines: [{ name: 'cost', kind: 'cost', values: pick('cost_usd') }], bars: true, floor: 0.0001, format: (value) => `$${value.toFixed(value < 1 ? 4 : 2)}` }),
  );
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
          card('Tokens in/out', `${tokens(m.usage.input_tokens)} / ${tokens(m.usage.output_tokens)}`, 'tokens'),
          card('Cost', dollars(m.usage.cost_usd), 'cost_usd'),
        ),
        h('p', { class: 'sub' }, `Period: ${time(m.first_completed_at)} to ${time(m.last_completed_at)}`),
        overTime(m.over_time),
        h('section', { class: 'card' }, h('h2', {}, 'By status'), barChart(Object.entries(m.by_status).filter(([, count]) => count > 0).map(([status, count]) => ({ label: status, value: count, kind: status })))),
        h('section', { class: 'card' }, h('h2', {}, 'Durations'), barChart([['average', m.average_duration_ms], ['p50', m.p50_duration_ms], ['p95', m.p95_duration_ms]].map(([label, value]) => ({ label: String(label), value: Number(value ?? 0), text: duration(value as number | null) })))),
        h(
          'section',
          { class: 'card' },
          h('h2', {}, 'By agent/action: executions'),
          barChart(m.by_agent_action.map((entry) => ({ label: `${entry.agent} ${entry.action}`, value: entry.total, text: `${entry.total} · ${rate(entry.success_rate)} · avg ${duration(entry.average_duration_ms)}` })), 760),
          // Only when some execution reported usage (builtin and shell steps never do): else every bar would be 0.
          m.usage.executions_with_usage === 0
            ? null
            : [
                h('h2', {}, 'By agent/action: cost'),
                barChart(m.by_agent_action.map((entry) => ({ label: `${entry.agent} ${entry.action}`, value: entry.usage.cost_usd, text: `${dollars(entry.usage.cost_usd)} · ${tokens(entry.usage.input_tokens)} in / ${tokens(entry.usage.output_tokens)} out` })), 760),
              ],
          h('h2', {}, 'By agent/action'),
          agentActionTable(m.by_agent_action),
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
