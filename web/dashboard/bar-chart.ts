// A horizontal bar chart in SVG: one labelled bar per value, scaled to the largest.

import { s } from './dom.js';

export function barChart(rows: readonly { label: string; value: number; text?: string; kind?: string }[], width = 520): SVGElement {
  const rowH = 24;
  const labelW = 190;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const height = rows.length * rowH + 4;
  return s(
    'svg',
    { class: 'bars', width, height, viewBox: `0 0 ${width} ${height}` },
    rows.map((row, index) => [
      s('text', { x: 0, y: index * rowH + 16 }, row.label.length > 28 ? `${row.label.slice(0, 27)}…` : row.label),
      s('rect', { class: `bar ${row.kind ?? ''}`, x: labelW, y: index * rowH + 4, width: Math.max(1, ((width - labelW - 80) * row.value) / max), height: rowH - 8, rx: 3 }),
      s('text', { x: labelW + ((width - labelW - 80) * row.value) / max + 6, y: index * rowH + 16 }, row.text ?? String(row.value)),
    ]),
  );
}
