/** A time-series line chart with optional 95% CI bands, for metrics per version over time. */
import { PALETTE, linear, niceDomain, niceTicks } from './charts.js';
import { h, s } from './dom.js';
import { isNum } from './format.js';

const W = 1200;
const H = 300;
const M = { left: 56, right: 20, top: 14, bottom: 34 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Evenly spaced instants; labels carry the time of day only when the span is short. */
function timeTicks(t0, t1, count = 6) {
  const step = (t1 - t0) / (count - 1);
  const withTime = t1 - t0 < 3 * DAY;
  return Array.from({ length: count }, (_, i) => {
    const t = t0 + i * step;
    const iso = new Date(t).toISOString();
    return { t, label: withTime ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10) };
  });
}

/**
 * series: [{ name, points: [{ t (ms), y, ci: [lo, hi] | null, title }] }].
 * `clamp` caps the y axis (e.g. [0, 1] for scores and rates).
 */
export function timeSeries({ series, yFormat, yAxisFormat = yFormat, clamp, caption }) {
  const points = series.flatMap((sr) => sr.points);
  const ts = points.map((p) => p.t).filter(isNum);
  let t0 = Math.min(...ts);
  let t1 = Math.max(...ts);
  if (!(t1 > t0)) [t0, t1] = [t0 - HOUR, t1 + HOUR];
  const pad = (t1 - t0) * 0.03;
  const x = linear([t0 - pad, t1 + pad], [M.left, W - M.right]);
  let domain = niceDomain(points.flatMap((p) => [p.y, ...(p.ci ?? [])]));
  if (clamp) domain = [Math.max(domain[0], clamp[0]), Math.min(domain[1], clamp[1])];
  const y = linear(domain, [H - M.bottom, M.top]);
  const yc = (v) => y(Math.min(Math.max(v, domain[0]), domain[1]));

  const grid = s(
    'g',
    { class: 'axis' },
    niceTicks(domain[0], domain[1]).map((v) =>
      s(
        'g',
        null,
        s('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }),
        s('text', { x: M.left - 8, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, yAxisFormat(v)),
      ),
    ),
    timeTicks(t0, t1).map(({ t, label }) => s('text', { x: x(t), y: H - M.bottom + 18, 'text-anchor': 'middle' }, label)),
  );
  const lines = series.map((sr, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = sr.points.filter((p) => isNum(p.t) && isNum(p.y)).sort((a, b) => a.t - b.t);
    const banded = pts.filter((p) => Array.isArray(p.ci) && isNum(p.ci[0]) && isNum(p.ci[1]));
    const band =
      banded.length > 1
        ? s('polygon', {
            class: 'band',
            fill: color,
            points: [...banded.map((p) => `${x(p.t)},${yc(p.ci[1])}`), ...banded.reverse().map((p) => `${x(p.t)},${yc(p.ci[0])}`)].join(' '),
          })
        : null;
    return s(
      'g',
      { class: 'series', 'data-series': sr.name },
      band,
      pts.length > 1 ? s('polyline', { class: 'line', stroke: color, points: pts.map((p) => `${x(p.t)},${yc(p.y)}`).join(' ') }) : null,
      pts.map((p) =>
        s('circle', { class: 'point', cx: x(p.t), cy: yc(p.y), r: 4, fill: color }, s('title', null, p.title ?? `${sr.name}: ${yFormat(p.y)}`)),
      ),
    );
  });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': caption ?? 'time series', style: { maxWidth: `${W}px` } }, grid, lines);
  const legend = h(
    'div',
    { class: 'legend' },
    series.map((sr, i) => h('span', null, h('i', { class: 'swatch', style: { background: PALETTE[i % PALETTE.length] } }), sr.name)),
  );
  return h('figure', { class: 'chart' }, svg, legend, caption ? h('figcaption', null, caption) : null);
}

/** When each thing was in use: one bar per row from `from` to `to` (ms) on a shared time axis. rows: [{ label, from, to, title }]. */
export function timeRanges({ rows, caption }) {
  const rowH = 26;
  const left = 150;
  const height = rows.length * rowH + 30;
  let t0 = Math.min(...rows.map((r) => r.from));
  let t1 = Math.max(...rows.map((r) => r.to));
  if (!(t1 > t0)) [t0, t1] = [t0 - HOUR, t1 + HOUR];
  const pad = (t1 - t0) * 0.03;
  const x = linear([t0 - pad, t1 + pad], [left, W - M.right]);
  const bottom = rows.length * rowH + 4;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': caption ?? 'time ranges', style: { maxWidth: `${W}px` } },
    s(
      'g',
      { class: 'axis' },
      timeTicks(t0, t1).map(({ t, label }) =>
        s('g', null, s('line', { class: 'grid', x1: x(t), x2: x(t), y1: 0, y2: bottom }), s('text', { x: x(t), y: bottom + 16, 'text-anchor': 'middle' }, label)),
      ),
    ),
    rows.map((r, i) => {
      const cy = 4 + i * rowH + rowH / 2;
      const color = PALETTE[i % PALETTE.length];
      return s(
        'g',
        { class: 'range-row' },
        s('title', null, r.title ?? r.label),
        s('text', { class: 'row-label', x: left - 10, y: cy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, r.label),
        s('rect', { x: x(r.from), y: cy - 7, width: Math.max(4, x(r.to) - x(r.from)), height: 14, rx: 3, fill: color, 'fill-opacity': 0.85 }),
      );
    }),
  );
  return h('figure', { class: 'chart' }, svg, caption ? h('figcaption', null, caption) : null);
}
