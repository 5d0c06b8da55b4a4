// Small hand-written SVG charts (no chart library): a sparkline, a time chart with bars and lines,
// and a stacked state bar. Colours come from CSS classes, never from inline styles.

import { el, setFill } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value != null) node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child == null) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

const round = value => Math.round(value * 10) / 10;

/** A sparkline of values (oldest first) as a filled area; the SVG scales to its box. */
export function sparkline(values, { width = 240, height = 48, className = 'spark' } = {}) {
  const root = svg('svg', { class: className, viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img' });
  if (!values.length) return root;
  const max = Math.max(...values, 1e-9);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${round(i * step)},${round(height - 2 - (v / max) * (height - 4))}`);
  root.append(
    svg('path', { class: 'spark-area', d: `M0,${height} L${points.join(' L')} L${round((values.length - 1) * step)},${height} Z` }),
    svg('polyline', { class: 'spark-line', points: points.join(' ') }),
  );
  return root;
}

/** A "nice" upper bound and tick step for an axis from 0 to max. */
export function niceScale(max, ticks = 4) {
  if (!(max > 0)) return { max: 1, step: 0.25 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map(f => f * magnitude).find(s => s >= raw);
  return { max: Math.ceil(max / step) * step, step };
}

/**
 * A time chart: x from `from` to `to` (ms), y from 0. `series` entries are
 * { type: 'bars' | 'line', className, points: [[t, v]], width (ms, bars) }. `xTicks` are
 * [t, label] pairs; `yFormat` formats axis values.
 */
export function timeChart({ width, height, from, to, series, xTicks, yFormat, marker }) {
  const margin = { left: 64, right: 12, top: 10, bottom: 24 };
  const innerW = Math.max(10, width - margin.left - margin.right);
  const innerH = Math.max(10, height - margin.top - margin.bottom);
  let yMax = 0;
  for (const s of series) for (const [, v] of s.points) yMax = Math.max(yMax, v);
  const scale = niceScale(yMax);
  const x = tm => margin.left + ((tm - from) / (to - from)) * innerW;
  const y = v => margin.top + innerH - (v / scale.max) * innerH;

  const root = svg('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  const grid = svg('g', { class: 'chart-grid' });
  for (let v = 0; v <= scale.max + scale.step / 2; v += scale.step) {
    grid.append(
      svg('line', { x1: margin.left, x2: margin.left + innerW, y1: round(y(v)), y2: round(y(v)) }),
      svg('text', { x: margin.left - 6, y: round(y(v)) + 4, 'text-anchor': 'end', class: 'chart-label' }, yFormat(v)),
    );
  }
  for (const [tm, label] of xTicks) {
    if (tm < from || tm > to) continue;
    grid.append(
      svg('line', { class: 'chart-xtick', x1: round(x(tm)), x2: round(x(tm)), y1: margin.top, y2: margin.top + innerH }),
      svg('text', { x: round(x(tm)), y: height - 6, 'text-anchor': 'middle', class: 'chart-label' }, label),
    );
  }
  root.append(grid);

  for (const s of series) {
    if (s.type === 'bars') {
      const barW = Math.max(1, (s.width / (to - from)) * innerW - (s.width / (to - from)) * innerW * 0.15);
      const d = s.points
        .filter(([, v]) => v > 0)
        .map(([tm, v]) => `M${round(x(tm))},${round(y(0))}V${round(y(v))}h${round(barW)}V${round(y(0))}Z`)
        .join('');
      root.append(svg('path', { class: s.className, d }));
    } else {
      // Breaks (null values) split the line into separate runs.
      let d = '';
      let pen = false;
      for (const [tm, v] of s.points) {
        if (v == null) { pen = false; continue; }
        d += `${pen ? 'L' : 'M'}${round(x(tm))},${round(y(v))}`;
        pen = true;
      }
      root.append(svg('path', { class: s.className, d, fill: 'none' }));
    }
  }
  if (marker != null && marker >= from && marker <= to) {
    root.append(svg('line', { class: 'chart-now', x1: round(x(marker)), x2: round(x(marker)), y1: margin.top, y2: margin.top + innerH }));
  }
  root.append(svg('line', { class: 'chart-axis', x1: margin.left, x2: margin.left + innerW, y1: round(y(0)), y2: round(y(0)) }));
  return root;
}

/** A legend: [[className, label]]. */
export function legend(entries) {
  return el('ul', { class: 'legend' }, entries.map(([className, label]) => el('li', {}, el('span', { class: `swatch ${className}` }), label)));
}

/** A horizontal progress bar with an optional pace marker (fractions 0..1; over 1 is capped). */
export function progressBar({ fraction, pace, className = '' }) {
  const bar = el('div', { class: `progress ${className}`.trim(), role: 'progressbar' });
  const fill = el('div', { class: 'progress-fill' });
  bar.append(fill);
  updateProgress(bar, { fraction, pace });
  return bar;
}

export function updateProgress(bar, { fraction, pace }) {
  setFill(bar.querySelector('.progress-fill'), fraction);
  bar.setAttribute('aria-valuenow', String(Math.round((fraction || 0) * 100)));
  bar.classList.toggle('is-over', fraction >= 1);
  bar.classList.toggle('is-behind', pace != null && fraction < pace * 0.9);
  let marker = bar.querySelector('.progress-pace');
  if (pace == null) {
    marker?.remove();
    return;
  }
  if (!marker) {
    marker = el('div', { class: 'progress-pace' });
    bar.append(marker);
  }
  setFill(marker, pace);
}
