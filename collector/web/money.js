/**
 * The one money formatter, shared by the dashboard (served as is), the CLI
 * and the release cards (imported through money.d.ts): `$` always, never an
 * exponent, cents from $1 up and three significant figures below, so
 * $0.0000109, $0.00218 and $12.50 read alike everywhere.
 */

const DASH = '—';
const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

/** Three significant figures, written out in full (toPrecision switches to 1.09e-7 below 1e-6). */
function sig3(a) {
  const decimals = Math.min(20, Math.max(0, 2 - Math.floor(Math.log10(a))));
  return a.toFixed(decimals);
}

/** A cost: `$0`, `$0.0000109`, `$0.00218`, `$12.50`, `$1,234.56`. */
export function usd(x) {
  if (!isNum(x)) return DASH;
  if (x === 0) return '$0';
  const a = Math.abs(x);
  const text = a >= 1 ? a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : sig3(a);
  return `${x < 0 ? '-' : ''}$${text}`;
}

/** A change in cost, always signed: `+$0.00120`, `-$1.50`, `$0`. */
export function usdDelta(x) {
  if (!isNum(x)) return DASH;
  return x === 0 ? '$0' : `${x > 0 ? '+' : '-'}${usd(Math.abs(x))}`;
}

/** A cost per `unit` (task, success): below a cent it reads better per thousand (`$0.0000218` → `$0.0218 / 1K tasks`). */
export function usdPer(x, unit) {
  if (!isNum(x)) return DASH;
  const units = unit.endsWith('s') ? `${unit}es` : `${unit}s`;
  return x !== 0 && Math.abs(x) < 0.01 ? `${usd(x * 1000)} / 1K ${units}` : `${usd(x)} / ${unit}`;
}
