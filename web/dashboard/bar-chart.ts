// A horizontal bar chart in SVG: one labelled bar per value, scaled to the largest.

import { s } from './dom.js';

export function barChart(rows: readonly { label: string; value: number; text?: string; kind?: string }[], width = 520): SVGElement {
  const rowH = 24;
  const labelW = 190;
  const max = Math.max(1, ...rows.map((row) => row.value));
  // Room right of the longest bar for the longest value text (~7 px a character).
  const textW = Math.max(40, ...rows.map((row) => (row.text ?? String(row.value)).length * 7 + 12));
  const barW = Math.max(40, width - labelW - textW);
  const height = rows.length * rowH + 4;
  return s(
    'svg',
    { class: 'bars', width, height, viewBox: `0 0 ${width} ${height}` },
    rows.map((row, index) => [
      s('text', { x: 0, y: index * rowH + 16 }, row.label.length > 26 ? `${row.label.slice(0, 25)}…` : row.label),
      s('rect', { class: `bar ${row.kind ?? ''}`, x: labelW, y: index * rowH + 4, width: Math.max(1, (barW * row.value) / max), height: rowH - 8, rx: 3 }),
      s('text', { x: labelW + (barW * row.value) / max + 6, y: index * rowH + 16 }, row.text ?? String(row.value)),
    ]),
  );
}
