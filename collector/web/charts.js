/**
 * Small hand-written SVG charts. Each returns a <figure> whose SVG scales to
 * its container (viewBox), with a <title> on every mark for exact values.
 * Colours of marks come from style.css classes; series colours from PALETTE.
 */
import { h, s } from './dom.js';
import { isNum } from './format.js';

/** Baseline (a) and candidate (b) in every a-vs-b chart. */
export const BASELINE = '#94a3b8';
export const CANDIDATE = '#2563eb';
export const PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];

const WIDTH = 760;
const VALUE_W = 92;
const ROW_H = 28;
const AXIS_H = 26;

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

/** [lo, hi] widened to round numbers, always containing `include`. */
/** @returns {[number, number]} */
export function niceDomain(values, include = []) {
  const xs = [...values, ...include].filter(isNum);
  if (xs.length === 0) return [0, 1];
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [Math.min(0, lo), Math.max(0, hi)];
  const ticks = niceTicks(lo, hi);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : hi - lo;
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

export const linear = ([d0, d1], [r0, r1]) => (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);

function truncate(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function figure(svg, caption, legend) {
  return h('figure', { class: 'chart' }, svg, legend ?? null, caption ? h('figcaption', null, caption) : null);
}

/** Vertical grid lines and tick labels under a horizontal value axis. */
function xAxis(x, ticks, top, bottom, format) {
  return s(
    'g',
    { class: 'axis' },
    ticks.map((t) =>
      s(
        'g',
        null,
        s('line', { class: t === 0 ? 'zero' : 'grid', x1: x(t), x2: x(t), y1: top, y2: bottom }),
        s('text', { x: x(t), y: bottom + 16, 'text-anchor': 'middle' }, format(t)),
      ),
    ),
  );
}

/** Room for row labels: about 6.5 px a character at 12 px, at most 40% of the chart. */
function labelWidth(labels, width) {
  const longest = Math.max(8, ...labels.map((l) => l.length));
  return Math.min(Math.round(width * 0.4), 16 + longest * 6.5);
}

function rowLabel(text, y, labelW) {
  const fits = Math.floor((labelW - 16) / 6.5);
  return s('text', { class: 'row-label', x: labelW - 10, y, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, s('title', null, text), truncate(text, fits));
}

/** A whisker from lo to hi with end caps; an end outside the domain is clipped and left open. */
function whisker(x, [d0, d1], lo, hi, cy, cls = 'whisker') {
  const a = Math.max(lo, d0);
  const b = Math.min(hi, d1);
  return s(
    'g',
    { class: cls },
    s('line', { x1: x(a), x2: x(b), y1: cy, y2: cy }),
    lo >= d0 ? s('line', { x1: x(a), x2: x(a), y1: cy - 6, y2: cy + 6 }) : null,
    hi <= d1 ? s('line', { x1: x(b), x2: x(b), y1: cy - 6, y2: cy + 6 }) : null,
  );
}

/**
 * Horizontal bars with 95% CI whiskers. rows: [{ label, value, ci, lowN, title }];
 * a row with lowN (fewer items than the method needs) is drawn grey and dashed.
 * `clamp` caps the axis (scores live in [0, 1] even when a small-n CI does not).
 */
/** @param {{ rows: any[], format: (x: any) => string, axisFormat?: (x: any) => string, clamp?: [number, number], caption?: string, width?: number }} options */
export function barChartCI({ rows, format, axisFormat = format, clamp, caption, width = WIDTH }) {
  const labelW = labelWidth(rows.map((r) => r.label), width);
  const extents = rows.flatMap((r) => [r.value, ...(r.ci ?? [])]);
  let domain = niceDomain(extents, [0]);
  if (clamp) domain = [Math.max(domain[0], clamp[0]), Math.min(domain[1], clamp[1])];
  const height = rows.length * ROW_H + AXIS_H + 8;
  const x = linear(domain, [labelW, width - VALUE_W]);
  const bottom = rows.length * ROW_H + 4;
  const marks = rows.map((r, i) => {
    const cy = 4 + i * ROW_H + ROW_H / 2;
    const has = isNum(r.value);
    const x0 = x(Math.max(domain[0], 0));
    const xv = has ? x(Math.min(Math.max(r.value, domain[0]), domain[1])) : x0;
    const ci = Array.isArray(r.ci) && isNum(r.ci[0]) && isNum(r.ci[1]) ? r.ci : null;
    return s(
      'g',
      { class: r.lowN ? 'bar-row low-n' : 'bar-row' },
      s('title', null, r.title ?? `${r.label}: ${has ? format(r.value) : 'no data'}`),
      rowLabel(r.label, cy, labelW),
      has ? s('rect', { class: 'bar', x: Math.min(x0, xv), y: cy - 8, width: Math.max(1, Math.abs(xv - x0)), height: 16, rx: 2 }) : null,
      ci ? whisker(x, domain, ci[0], ci[1], cy) : null,
      s('text', { class: 'value', x: width - 4, y: cy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, has ? format(r.value) : '—'),
    );
  });
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, style: { maxWidth: `${width}px` }, role: 'img', 'aria-label': caption ?? 'bar chart' },
    xAxis(x, niceTicks(domain[0], domain[1]), 0, bottom, axisFormat),
    marks,
  );
  return figure(svg, caption);
}

/**
 * Differences with 95% CIs around a zero line (a forest plot). A CI entirely
 * above zero is coloured "better", entirely below "worse", else neutral.
 * rows: [{ label, delta, ci, lowN, title }]; `higherIsBetter` flips the colours for costs;
 * a lowN row stays grey and dashed whatever its interval says.
 */
/** @param {{ rows: any[], format: (x: any) => string, axisFormat?: (x: any) => string, caption?: string, higherIsBetter?: boolean, width?: number }} options */
export function deltaForest({ rows, format, axisFormat = format, caption, higherIsBetter = true, width = WIDTH }) {
  const labelW = labelWidth(rows.map((r) => r.label), width);
  const extents = rows.flatMap((r) => [r.delta, ...(r.ci ?? [])]).filter(isNum);
  const m = Math.max(1e-9, ...extents.map(Math.abs));
  const domain = niceDomain([-m, m]);
  const height = rows.length * ROW_H + AXIS_H + 8;
  const x = linear(domain, [labelW, width - VALUE_W]);
  const bottom = rows.length * ROW_H + 4;
  const marks = rows.map((r, i) => {
    const cy = 4 + i * ROW_H + ROW_H / 2;
    const ci = Array.isArray(r.ci) && isNum(r.ci[0]) && isNum(r.ci[1]) ? r.ci : null;
    const up = ci && ci[0] > 0;
    const down = ci && ci[1] < 0;
    const tone = r.lowN ? 'neutral low-n' : up || down ? ((up ? higherIsBetter : !higherIsBetter) ? 'better' : 'worse') : 'neutral';
    return s(
      'g',
      { class: `forest-row ${tone}` },
      s('title', null, r.title ?? `${r.label}: ${format(r.delta)}`),
      rowLabel(r.label, cy, labelW),
      ci ? whisker(x, domain, ci[0], ci[1], cy) : null,
      isNum(r.delta) ? s('circle', { class: 'dot', cx: x(r.delta), cy, r: 5 }) : null,
      s('text', { class: 'value', x: width - 4, y: cy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(r.delta)),
    );
  });
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, style: { maxWidth: `${width}px` }, role: 'img', 'aria-label': caption ?? 'differences with confidence intervals' },
    xAxis(x, niceTicks(domain[0], domain[1]), 0, bottom, axisFormat),
    marks,
  );
  return figure(svg, caption);
}

/** Two values per row joined by a line (baseline a, candidate b). rows: [{ label, a, b }]. */
/** @param {{ rows: any[], names: [string, string], format: (x: any) => string, clamp?: [number, number], caption?: string, width?: number }} options */
export function dumbbell({ rows, names, format, clamp, caption, width = WIDTH }) {
  const labelW = labelWidth(rows.map((r) => r.label), width);
  const valueW = 16 + Math.max(...rows.map((r) => `${format(r.a)} → ${format(r.b)}`.length)) * 7;
  let domain = niceDomain(rows.flatMap((r) => [r.a, r.b]), [0]);
  if (clamp) domain = [Math.max(domain[0], clamp[0]), Math.min(domain[1], clamp[1])];
  const height = rows.length * ROW_H + AXIS_H + 8;
  const x = linear(domain, [labelW, width - valueW]);
  const bottom = rows.length * ROW_H + 4;
  const marks = rows.map((r, i) => {
    const cy = 4 + i * ROW_H + ROW_H / 2;
    return s(
      'g',
      { class: 'dumbbell-row' },
      s('title', null, `${r.label}: ${names[0]} ${format(r.a)}, ${names[1]} ${format(r.b)}`),
      rowLabel(r.label, cy, labelW),
      isNum(r.a) && isNum(r.b) ? s('line', { class: 'link', x1: x(r.a), x2: x(r.b), y1: cy, y2: cy }) : null,
      isNum(r.a) ? s('circle', { cx: x(r.a), cy, r: 5.5, fill: BASELINE }) : null,
      isNum(r.b) ? s('circle', { cx: x(r.b), cy, r: 5.5, fill: CANDIDATE }) : null,
      s('text', { class: 'value', x: width - 4, y: cy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, `${format(r.a)} → ${format(r.b)}`),
    );
  });
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, style: { maxWidth: `${width}px` }, role: 'img', 'aria-label': caption ?? 'paired values' },
    xAxis(x, niceTicks(domain[0], domain[1]), 0, bottom, format),
    marks,
  );
  const legend = h(
    'div',
    { class: 'legend' },
    [
      [BASELINE, names[0]],
      [CANDIDATE, names[1]],
    ].map(([color, name]) => h('span', null, h('i', { class: 'swatch', style: { background: color } }), name)),
  );
  return figure(svg, caption, legend);
}

/**
 * A confusion-matrix heatmap: counts[i][j] is rows[i] × cols[j]. Cells on the
 * diagonal (agreement) shade blue, the others orange, by their share of the total.
 */
export function confusionMatrix({ rowLabels, colLabels, counts, rowTitle, colTitle, caption }) {
  const cell = 120;
  const left = 150;
  const top = 56;
  const total = counts.flat().reduce((a, b) => a + b, 0) || 1;
  const max = Math.max(1, ...counts.flat());
  const width = left + colLabels.length * cell + 10;
  const height = top + rowLabels.length * cell + 10;
  const cells = counts.flatMap((row, i) =>
    row.map((n, j) => {
      const agree = i === j;
      const shade = n / max;
      const dark = shade > 0.55;
      const cx = left + j * cell;
      const cy = top + i * cell;
      return s(
        'g',
        { class: `cell ${agree ? 'agree' : 'disagree'}`, 'data-row': rowLabels[i], 'data-col': colLabels[j] },
        s('title', null, `${rowTitle} ${rowLabels[i]}, ${colTitle} ${colLabels[j]}: ${n}`),
        s('rect', { x: cx + 2, y: cy + 2, width: cell - 4, height: cell - 4, rx: 6, 'fill-opacity': 0.08 + 0.92 * shade }),
        s('text', { class: `count${dark ? ' on-dark' : ''}`, x: cx + cell / 2, y: cy + cell / 2 - 4, 'text-anchor': 'middle' }, String(n)),
        s('text', { class: `share${dark ? ' on-dark' : ''}`, x: cx + cell / 2, y: cy + cell / 2 + 18, 'text-anchor': 'middle' }, `${((100 * n) / total).toFixed(1)}%`),
      );
    }),
  );
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, style: { maxWidth: `${width}px` }, role: 'img', 'aria-label': caption ?? 'confusion matrix', class: 'matrix' },
    s('text', { class: 'axis-title', x: left + (colLabels.length * cell) / 2, y: 16, 'text-anchor': 'middle' }, colTitle),
    colLabels.map((l, j) => s('text', { class: 'tick', x: left + j * cell + cell / 2, y: top - 10, 'text-anchor': 'middle' }, l)),
    s('text', { class: 'axis-title', x: 16, y: top + (rowLabels.length * cell) / 2, 'text-anchor': 'middle', transform: `rotate(-90 16 ${top + (rowLabels.length * cell) / 2})` }, rowTitle),
    rowLabels.map((l, i) => s('text', { class: 'tick', x: left - 12, y: top + i * cell + cell / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, l)),
    cells,
  );
  return figure(svg, caption);
}
