/** Number formatting for the CLI's tables: short, aligned, and "—" where the API says null. */

export const NONE = '—';

/** Up to `digits` significant digits, without exponent noise for everyday magnitudes. */
export function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return NONE;
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(digits)));
}

export function signed(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined) return NONE;
  return x > 0 ? `+${num(x, digits)}` : num(x, digits);
}

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? NONE : `${(x * 100).toFixed(1)}%`;
}

/** A difference of proportions in percentage points. */
export function pp(x: number | null | undefined): string {
  if (x === null || x === undefined) return NONE;
  const v = (x * 100).toFixed(1);
  return `${x > 0 ? '+' : ''}${v} pp`;
}

// Money is formatted by the one formatter the dashboard and the cards use too.
export { usd, usdDelta as signedUsd } from '../web/money.js';

export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined) return NONE;
  return p < 0.0001 ? '<0.0001' : num(p, 2);
}

export function interval(
  ci: readonly [number, number] | null | undefined,
  f: (x: number) => string = (x) => signed(x),
  caution?: { low_n?: boolean; note?: string | null; ci_note?: string | null },
): string {
  const text = ci ? `[${f(ci[0])}, ${f(ci[1])}]` : NONE;
  const note = caution?.note ?? caution?.ci_note ?? null;
  if (!caution || (!caution.low_n && note === null)) return text;
  // Short tags in the cell; the API's note has the whole reason.
  const tags = [
    note?.startsWith('zero variance') ? 'zero variance' : null,
    note?.includes('needs at least 2') ? 'n < 2' : null,
    note?.includes('clipped') ? 'clipped' : null,
    caution.low_n ? 'low n' : null,
  ].filter((t) => t !== null);
  return tags.length ? `${text} (${[...new Set(tags)].join(', ')})` : text;
}

export function date(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** A value in one table cell: strings as they are, the rest as JSON, whitespace runs as one space, cut to `width` characters with "…". */
export function cell(v: unknown, width: number): string {
  if (v === null || v === undefined) return NONE;
  const text = (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\s+/g, ' ');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
