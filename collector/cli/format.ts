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

export function usd(x: number | null | undefined): string {
  return x === null || x === undefined ? NONE : `$${num(x, 3)}`;
}

export function signedUsd(x: number | null | undefined): string {
  if (x === null || x === undefined) return NONE;
  return `${x > 0 ? '+' : x < 0 ? '-' : ''}$${num(Math.abs(x), 3)}`;
}

export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined) return NONE;
  return p < 0.0001 ? '<0.0001' : num(p, 2);
}

export function interval(ci: readonly [number, number] | null | undefined, f: (x: number) => string = (x) => signed(x)): string {
  return ci ? `[${f(ci[0])}, ${f(ci[1])}]` : NONE;
}

export function date(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}
