/** Display formats shared by every view; missing values show as an em dash. */
import { usd, usdDelta, usdPer } from './money.js';

export const DASH = '—';

export const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

export function count(x) {
  return isNum(x) ? Math.round(x).toLocaleString('en-US') : DASH;
}

/** Money: the one formatter the CLI and the release cards use too. */
export { usd, usdDelta, usdPer };

/** Axis ticks: round numbers need no trailing zeros. */
export function usdTick(x) {
  return isNum(x) ? `$${Number(x.toPrecision(3))}` : DASH;
}

export function pct(x) {
  return isNum(x) ? `${(x * 100).toFixed(1)}%` : DASH;
}

export function score(x) {
  return isNum(x) ? x.toFixed(3) : DASH;
}

/** A difference, always signed so that "no change" and "better" read apart. */
export function delta(x, digits = 3) {
  if (!isNum(x)) return DASH;
  return `${x > 0 ? '+' : ''}${x.toFixed(digits)}`;
}

export function interval(ci, digits = 3) {
  return Array.isArray(ci) && isNum(ci[0]) && isNum(ci[1]) ? `[${ci[0].toFixed(digits)}, ${ci[1].toFixed(digits)}]` : DASH;
}

/** A difference of two rates in percentage points, signed. */
export function ppDelta(x) {
  return isNum(x) ? `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)} pp` : DASH;
}

/** A CI of a difference of rates, in percentage points. */
export function ppInterval(ci) {
  return Array.isArray(ci) && isNum(ci[0]) && isNum(ci[1]) ? `[${(ci[0] * 100).toFixed(1)}, ${(ci[1] * 100).toFixed(1)}]` : DASH;
}

/** A difference in dollars, signed. */


/** A CI of a difference in dollars (costs are small: fixed decimals would read $0.000). */
export function usdInterval(ci) {
  return Array.isArray(ci) && isNum(ci[0]) && isNum(ci[1]) ? `[${usdDelta(ci[0])}, ${usdDelta(ci[1])}]` : DASH;
}

export function ms(x) {
  if (!isNum(x)) return DASH;
  return x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(2)} s`;
}

/** Times in UTC so that every reader of a shared link sees the same text. */
export function dateTime(iso) {
  return typeof iso === 'string' && iso.length >= 19 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : DASH;
}

export function pValue(p) {
  if (!isNum(p)) return DASH;
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** "name@version", the way versions are spoken of. */
export function versioned(name, version) {
  if (!name && !version) return DASH;
  return version ? `${name || DASH}@${version}` : name;
}

export function shortId(id) {
  return typeof id === 'string' ? id.slice(0, 12) : DASH;
}
