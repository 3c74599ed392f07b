/**
 * Times as the collector writes and answers them. Decisions, release events
 * and registry versions are stamped in microseconds, strictly
 * increasing within the process, so events written in one call (supersede,
 * then promote) keep their order when sorted by time.
 */
let last = 0n;

export function nowMicros(): bigint {
  const now = BigInt(Date.now()) * 1000n;
  last = now > last ? now : last + 1n;
  return last;
}

/** ISO-8601 with microseconds, e.g. 2026-10-01T12:00:00.123456Z. */
export function toIso(us: bigint | string): string {
  const v = BigInt(us);
  return `${new Date(Number(v / 1000n)).toISOString().slice(0, 19)}.${String(v % 1_000_000n).padStart(6, '0')}Z`;
}

/** ClickHouse DateTime64(6, 'UTC') text: `YYYY-MM-DD hh:mm:ss.ffffff`, the ISO form without its T and Z. */
export function toClickHouseTime(us: bigint): string {
  return toIso(us).slice(0, -1).replace('T', ' ');
}

/** Unix nanoseconds (an integer, as ClickHouse's JSON gives it: text, or a number) as ISO time, truncated toward zero to the millisecond; no BigInt on the usual path. */
export function nsToIso(ns: string | number): string {
  const text = String(ns);
  const ms = text.startsWith('-') ? Number(BigInt(text) / 1_000_000n) : Number(text.slice(0, -6) || '0');
  return new Date(ms).toISOString();
}
