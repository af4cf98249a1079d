// A chart over time in SVG: one column per time bucket, with bars (counts) or lines (rates, durations; a gap where a
// bucket has no value), a scale of three grid lines and a few time labels. Each point has a <title> with its value.

import { s } from './dom.js';

export interface TimeLine {
  name: string;
  /** CSS class: the colour. */
  kind: string;
  values: readonly (number | null)[];
}

export interface TimeChartOptions {
  /** Each bucket's label under the axis (only some are drawn when there are many). */
  labels: readonly string[];
  lines: readonly TimeLine[];
  /** How a value reads (axis and titles). */
  format: (value: number) => string;
  /** Bars instead of lines (the first line only). */
  bars?: boolean;
  /** The top of the scale. @default the largest value, rounded up, at least `floor` */
  max?: number;
  /** The smallest top of the scale (small amounts such as a cost in dollars need less than 1). @default 1 */
  floor?: number;
  name: string;
}

const WIDTH = 760;
const HEIGHT = 150;
const LEFT = 70;
const TOP = 10;
const BOTTOM = 22;

export function timeChart(options: TimeChartOptions): SVGElement {
  const count = options.labels.length;
  const plotW = WIDTH - LEFT - 10;
  const plotH = HEIGHT - TOP - BOTTOM;
  const step = plotW / Math.max(1, count);
  const values = options.lines.flatMap((line) => line.values.filter((value): value is number => value !== null));
  const max = options.max ?? niceCeiling(Math.max(options.floor ?? 1, ...values));
  const x = (index: number) => LEFT + step * index + step / 2;
  const y = (value: number) => TOP + plotH - (plotH * value) / max;
  const every = Math.max(1, Math.ceil(count / 8));
  const grid = [0, 0.5, 1].map((fraction) => [s('line', { class: 'grid', x1: LEFT, x2: WIDTH - 10, y1: y(max * fraction), y2: y(max * fraction) }), s('text', { class: 'sub', x: LEFT - 6, y: y(max * fraction) + 4, 'text-anchor': 'end' }, options.format(max * fraction))]);
  // About eight labels; the last one too when there is room for it.
  const labelled = (index: number) => index % every === 0 || (index === count - 1 && index % every >= every / 2);
  const labels = options.labels.map((label, index) => (labelled(index) ? s('text', { class: 'sub', x: x(index), y: HEIGHT - 6, 'text-anchor': 'middle' }, label) : null));
  const plots = options.bars === true ? bars(options, x, y, step) : options.lines.map((line) => polyline(line, options, x, y));
  return s('svg', { class: 'time-chart', 'data-chart': options.name, width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}` }, grid, labels, plots);
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `value`, so the grid lines read as round numbers. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= value) ?? 10) * power;
}

function bars(options: TimeChartOptions, x: (index: number) => number, y: (value: number) => number, step: number): SVGElement[] {
  const line = options.lines[0];
  if (line === undefined) return [];
  const width = Math.max(1, Math.min(28, step * 0.7));
  return line.values.map((value, index) =>
    s('rect', { class: `bar ${line.kind}`, 'data-index': index, x: x(index) - width / 2, y: y(value ?? 0), width, height: Math.max(0, y(0) - y(value ?? 0)) }, s('title', {}, `${options.labels[index] ?? ''}: ${value === null ? '–' : options.format(value)}`)),
  );
}

/** A line through the buckets that have a value; a bucket without one breaks it. */
function polyline(line: TimeLine, options: TimeChartOptions, x: (index: number) => number, y: (value: number) => number): SVGElement {
  let path = '';
  let drawing = false;
  line.values.forEach((value, index) => {
    if (value === null) drawing = false;
    else {
      path += `${drawing ? 'L' : 'M'}${x(index).toFixed(1)} ${y(value).toFixed(1)}`;
      drawing = true;
    }
  });
  const points = line.values.map((value, index) => (value === null ? null : s('circle', { class: `point ${line.kind}`, 'data-index': index, 'data-value': value, cx: x(index), cy: y(value), r: 3 }, s('title', {}, `${line.name} ${options.labels[index] ?? ''}: ${options.format(value)}`))));
  return s('g', { class: `series ${line.kind}`, 'data-series': line.name }, s('path', { class: `line ${line.kind}`, d: path }), points);
}
