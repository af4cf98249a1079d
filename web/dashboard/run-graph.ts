// The step graph of a run as SVG: steps in columns by depth (a step sits one column right of its deepest
// dependency), edges from each dependency, each box coloured by the step's state.

import { s } from './dom.js';
import type { RunDetail } from './types.js';

const BOX_W = 150;
const BOX_H = 34;
const GAP_X = 50;
const GAP_Y = 14;

export function runGraph(run: RunDetail, selected: string | undefined, onSelect: (stepId: string) => void): SVGElement {
  const ids = Object.keys(run.steps);
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const deps = (run.graph[id]?.depends_on ?? []).filter((dep) => dep in run.steps);
    const value = deps.length === 0 ? 0 : Math.max(...deps.map((dep) => depthOf(dep, seen))) + 1;
    depth.set(id, value);
    return value;
  };
  const columns: string[][] = [];
  for (const id of ids) (columns[depthOf(id, new Set())] ??= []).push(id);
  const place = new Map<string, { x: number; y: number }>();
  columns.forEach((column, x) => column.forEach((id, y) => place.set(id, { x: 10 + x * (BOX_W + GAP_X), y: 10 + y * (BOX_H + GAP_Y) })));
  const width = 20 + columns.length * (BOX_W + GAP_X) - GAP_X;
  const height = 20 + Math.max(...columns.map((column) => column.length)) * (BOX_H + GAP_Y) - GAP_Y;
  const edges = ids.flatMap((id) =>
    (run.graph[id]?.depends_on ?? []).flatMap((dep) => {
      const from = place.get(dep);
      const to = place.get(id);
      if (from === undefined || to === undefined) return [];
      return [s('path', { class: 'edge', d: `M${from.x + BOX_W},${from.y + BOX_H / 2} C${from.x + BOX_W + GAP_X / 2},${from.y + BOX_H / 2} ${to.x - GAP_X / 2},${to.y + BOX_H / 2} ${to.x},${to.y + BOX_H / 2}` })];
    }),
  );
  const nodes = ids.map((id) => {
    const at = place.get(id) ?? { x: 0, y: 0 };
    const step = run.steps[id];
    const status = step?.status ?? 'pending';
    const label = id.length > 20 ? `${id.slice(0, 19)}…` : id;
    return s(
      'g',
      { class: `node ${status}${selected === id ? ' selected' : ''}`, 'data-step': id, 'data-status': status, transform: `translate(${at.x},${at.y})`, onclick: () => onSelect(id), role: 'button', tabindex: 0 },
      s('title', {}, `${id}: ${status}`),
      s('rect', { width: BOX_W, height: BOX_H, rx: 6 }),
      s('text', { x: 10, y: 15 }, label),
      s('text', { x: 10, y: 28, class: 'sub' }, `${status.replace(/_/g, ' ')}${step !== undefined && step.attempt > 1 ? ` · try ${step.attempt}` : ''}`),
    );
  });
  return s('svg', { class: 'graph', width, height, viewBox: `0 0 ${width} ${height}` }, edges, nodes);
}
