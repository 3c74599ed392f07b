import { expect } from 'vitest';

/**
 * Fractions to 11 significant digits: sums over the same values in another
 * order (another store's parts, compacted rows against the rollup) differ in
 * the last bits; counts, ids and every double or missing row still show.
 */
export const rounded = <T>(x: T): T =>
  JSON.parse(JSON.stringify(x), (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(11)) : v)) as T;

/** GET answers of `paths` and the decision of `gate` (a POST /api/gates/evaluate body), by path, so a difference names its endpoint. */
export async function answersOf(url: string, paths: readonly string[], gate?: object): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const res = await fetch(url + path);
    expect(res.status, path).toBe(200);
    out[path] = await res.json();
  }
  if (gate) {
    const res = await fetch(`${url}/api/gates/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(gate) });
    expect(res.status).toBe(200);
    const { decision, result } = (await res.json()) as { decision: string; result: unknown };
    out.gate = { decision, result };
  }
  return out;
}

/** `url` answers as `expected` does, endpoint by endpoint; `when` names the moment in the failure message. */
export async function expectSameAnswers(url: string, expected: Record<string, unknown>, paths: readonly string[], gate: object | undefined, when: string) {
  const actual = await answersOf(url, paths, gate);
  for (const key of Object.keys(expected)) expect(rounded(actual[key]), `${key} from ${url} ${when}`).toEqual(rounded(expected[key]));
}
