import { triples } from '../collector/query/triples.js';
import { startCollector } from '../collector/server.js';
import { tempDataDir } from '../test/helpers/data-dir.js';
import { generate } from './generate.js';
import { fmt, QUICK, report } from './util.js';

/**
 * Query latency at scale: N traces × 20 spans generated straight into the
 * store, then each analytics endpoint timed over HTTP (median of 5 after a
 * warm-up), and the rollup's triples checked against the raw-span answer.
 * Usage: tsx bench/query.ts --traces 500000 [--data DIR]  (DIR reused if it has data)
 */
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const traces = Number(arg('--traces') ?? (QUICK ? 5_000 : 50_000));
const collector = await startCollector({ dataDir: arg('--data') ?? tempDataDir(), port: 0, host: '127.0.0.1', grpc: null, env: {} });
const n = (await collector.store.query<{ n: number }>('SELECT count() AS n FROM spans'))[0]?.n ?? 0;
const figures = [];
if (n === 0) {
  const t0 = performance.now();
  const g = await generate(collector.store, { traces });
  figures.push({ figure: `generated ${fmt(g.spans)} spans + ${fmt(g.evaluations)} evaluations`, value: `${fmt((performance.now() - t0) / 1000, 1)} s` });
  // Queries are timed on a settled store, not against the merges of freshly inserted spans competing for the same
  // cores: settled = no merge running for 3 s in a row (the scheduler starts the first ones a moment after the insert).
  const t1 = performance.now();
  for (let quiet = 0; quiet < 3 && performance.now() - t1 < 300_000; ) {
    await new Promise((r) => setTimeout(r, 1000));
    const merging = (await collector.store.query<{ n: number }>('SELECT count() AS n FROM system.merges'))[0]?.n ?? 0;
    quiet = merging > 0 ? 0 : quiet + 1;
  }
  figures.push({ figure: '  background merges after the insert settled in', value: `${fmt((performance.now() - t1) / 1000, 1)} s` });
}
// The collector compacts settled traces on its own (collector/compaction/compactor.ts); queries are timed once it has.
const t2 = performance.now();
while ((await collector.app.compactor.changedRows()) > 0 && performance.now() - t2 < 300_000) await new Promise((r) => setTimeout(r, 500));
const [compaction] = await collector.store.query<{ traces: number; seconds: number }>(
  'SELECT traces, seconds FROM trace_compactions ORDER BY generation DESC LIMIT 1',
);
figures.push({
  figure: `  compaction of ${fmt(compaction?.traces ?? 0)} traces (by the collector, after ${fmt((performance.now() - t2) / 1000, 1)} s of waiting)`,
  value: `${fmt(compaction?.seconds ?? 0, 1)} s`,
});
const spans = (await collector.store.query<{ n: number }>('SELECT count() AS n FROM spans'))[0]?.n ?? 0;
const label = `${fmt(spans / 1e6, 1)}M spans`;

const ENDPOINTS = [
  '/api/triples',
  '/api/prompts?prompt=prompt-0',
  '/api/compare/prompts?prompt=prompt-0&a=v0&b=v1&judge=quality-judge&judge_version=j0',
  '/api/compare/judges?judge=quality-judge&a=j0&b=j1',
  '/api/runs',
  '/api/compare/runs?a=run-0&b=run-1&judge=quality-judge&judge_version=j0',
];

/** Median of five requests after a warm-up; null when the endpoint does not answer 200. */
async function medianMs(path: string): Promise<number | null> {
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const res = await fetch(collector.url + path);
    await res.arrayBuffer();
    if (res.status !== 200) return null;
    if (i > 0) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const endpoint = (path: string) => path.split('?')[0]!;
const verdict = (median: number | null) => (median === null ? '' : median < 1000 ? 'under 1 s' : 'OVER 1 s');
for (const path of ENDPOINTS) {
  const median = await medianMs(path);
  figures.push({
    figure: `${label}: GET ${endpoint(path)}`,
    value: median === null ? 'not 200' : `${fmt(median)} ms`,
    ratio: verdict(median),
    ...(median === null ? {} : { endpoint: endpoint(path), ms: median, spans }),
  });
}

const strip = (x: unknown) => JSON.stringify(x, (k, v) => (k === 'score_mean' || k === 'score_ci95' ? undefined : v));
/** The hot path's triples against the raw tables' (which also times the raw query). */
async function checkAgainstRaw(what: string) {
  const t0 = performance.now();
  const hot = await triples(collector.store, 'default', {});
  const hotMs = performance.now() - t0;
  const t1 = performance.now();
  const raw = await triples(collector.store, 'default', {}, 'raw');
  const rawMs = performance.now() - t1;
  const equal = strip(hot) === strip(raw);
  figures.push({ figure: `${label}: ${what}`, value: `${fmt(rawMs)} ms`, ratio: `hot path ${fmt(rawMs / hotMs, 1)}× faster; answers ${equal ? 'equal' : 'DIFFER'}` });
  if (!equal) process.exitCode = 1;
}
await checkAgainstRaw('triples from raw spans (no rollup, no compaction)');

// As under steady ingest: 1% more traces written since the last compaction, which queries resolve from the rollup.
if (n === 0) {
  await collector.app.compactor.stop();
  await generate(collector.store, { traces: Math.ceil(traces / 100), offset: traces });
  for (const path of [ENDPOINTS[0]!, ENDPOINTS[2]!]) {
    const median = await medianMs(path);
    figures.push({ figure: `${label} + 1% not yet compacted: GET ${endpoint(path)}`, value: median === null ? 'not 200' : `${fmt(median)} ms`, ratio: verdict(median) });
  }
  await checkAgainstRaw('same, raw, with the 1% not yet compacted');
}
await collector.close();
report('query', figures);
