import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'chdb';
import { normalizeSpan } from '../collector/ingest/normalize.js';
import type { SpanRow } from '../collector/ingest/rows.js';
import { DEFAULT_LIMITS } from '../collector/limits.js';
import { decodeTraces } from '../collector/otlp/decode.js';
import { ChdbStore } from '../collector/store/chdb.js';
import { migrate } from '../collector/store/migrate.js';
import { freePort, spawnCollector } from '../test/helpers/child-collector.js';
import { tempDataDir } from '../test/helpers/data-dir.js';
import { BENCH_LOAD, LLM_LOAD, type LoadShape, type PayloadEncoding, payloads } from './payloads.js';
import { type Figure, fmt, ms, QUICK, report } from './util.js';

/**
 * Ingest throughput: real OTLP requests over loopback HTTP into a collector
 * process (decode → normalize → dedup → group commit → 2xx), against a fixed
 * yardstick measured in the same run: the same spans inserted by raw chdb
 * calls into a plain MergeTree with the spans table's columns and no
 * materialized views. The yardstick's code is this file's, not the store's,
 * so it does not move when the schema's views or the insert path change.
 */
const SECONDS = QUICK ? 1.5 : 10;
const YARDSTICK_BATCH = 5_000;
const YARDSTICK_PARALLEL = 4;

interface Load {
  name: string;
  shape: LoadShape;
  senders: number;
}

const LOADS: Load[] = [
  { name: 'bench load (500-span requests, 4 of 20 spans LLM calls)', shape: BENCH_LOAD, senders: 8 },
  { name: '#23 load (1,000-span requests, 19 of 20 spans LLM calls)', shape: LLM_LOAD, senders: 4 },
];

function normalizedBatches(shape: LoadShape, rowsPerBatch: number, count: number): SpanRow[][] {
  const factory = payloads('protobuf', shape);
  const ctx = { project: 'default', limits: DEFAULT_LIMITS, onTruncate: () => undefined };
  const batches: SpanRow[][] = [];
  while (batches.length < count) {
    const rows: SpanRow[] = [];
    while (rows.length < rowsPerBatch) {
      for (const e of decodeTraces(factory.next(), 'protobuf')) if (!('malformed' in e)) rows.push(normalizeSpan(e, ctx).span);
    }
    batches.push(rows);
  }
  return batches;
}

async function inTurns<T>(items: T[], parallel: number, fn: (item: T) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: parallel }, async () => { while (next < items.length) await fn(items[next++]!); }));
  return (performance.now() - started) / 1000;
}

/**
 * The yardstick and, beside it, the store's own insert (`ChdbStore.insert`
 * into the spans table with its views), for each load's rows: JSON built
 * beforehand for the yardstick (raw inserts), inside the timing for the store.
 */
async function yardsticks(): Promise<Map<Load, { yardstick: number; store: number }>> {
  const dir = tempDataDir();
  const store = new ChdbStore(dir);
  await migrate(store);
  const batchesPerLoad = QUICK ? 4 : 16;
  const out = new Map<Load, { yardstick: number; store: number }>();
  const bodies = new Map<Load, Buffer[]>();
  for (const load of LOADS) {
    const batches = normalizedBatches(load.shape, YARDSTICK_BATCH, batchesPerLoad);
    const seconds = await inTurns(batches, 1, (b) => store.insert('spans', b));
    out.set(load, { yardstick: 0, store: (batches.length * YARDSTICK_BATCH) / seconds });
    bodies.set(load, normalizedBatches(load.shape, YARDSTICK_BATCH, batchesPerLoad).map((b) => Buffer.from(b.map((r) => JSON.stringify(r)).join('\n'))));
  }
  await store.close();
  const session = new Session(dir);
  try {
    session.query('CREATE TABLE yardstick AS spans ENGINE = MergeTree ORDER BY (project, trace_id, span_id)');
    for (const load of LOADS) {
      const loadBodies = bodies.get(load)!;
      const seconds = await inTurns(loadBodies, YARDSTICK_PARALLEL, (values) => session.insert({ table: 'yardstick', values, format: 'JSONEachRow' }));
      out.get(load)!.yardstick = (loadBodies.length * YARDSTICK_BATCH) / seconds;
    }
  } finally {
    session.close();
  }
  return out;
}

/** CPU seconds of a process's threads, grouped: the JS main thread, ClickHouse's merges, and everything else ClickHouse runs. */
function threadCpu(pid: number): Map<string, number> {
  const groups = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
    const group = tid === String(pid) ? 'JS main thread' : name.startsWith('MergeMutate') ? 'merges' : 'inserts and queries';
    groups.set(group, (groups.get(group) ?? 0) + seconds);
  }
  return groups;
}

async function fullPath(url: string, load: Load, encoding: PayloadEncoding, seconds: number, pid?: number) {
  const factory = payloads(encoding, load.shape);
  const latencies: number[] = [];
  let spans = 0;
  let errors = 0;
  const cpuBefore = pid ? threadCpu(pid) : undefined;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: load.senders }, async () => {
      while (performance.now() < until) {
        const body = factory.next();
        const t0 = performance.now();
        const res = await fetch(`${url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': factory.contentType, ...(factory.gzip ? { 'content-encoding': 'gzip' } : {}) },
          body: body as Uint8Array<ArrayBuffer>,
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status === 200) spans += factory.spansPerRequest;
        else errors += 1;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const cpu = pid && cpuBefore ? [...threadCpu(pid)].map(([g, s]) => [g, ((s - (cpuBefore.get(g) ?? 0)) * 1e6) / Math.max(spans, 1)] as const) : [];
  return { rate: spans / wall, latencies, errors, cpu };
}

const measured = await yardsticks();
const figures: Figure[] = [];
for (const load of LOADS) {
  const m = measured.get(load)!;
  figures.push(
    { figure: `${load.name}:`, value: '' },
    { figure: `  yardstick: raw chdb inserts into a plain MergeTree (${fmt(YARDSTICK_BATCH)} rows, ${YARDSTICK_PARALLEL} at a time)`, value: `${fmt(m.yardstick)} spans/s`, ratio: '1.00' },
    { figure: '  the store\'s insert into spans and its views, one at a time', value: `${fmt(m.store)} spans/s`, ratio: `${(m.store / m.yardstick).toFixed(2)} of yardstick` },
  );
  const child = await spawnCollector(tempDataDir(), await freePort());
  try {
    // Warm-up (JIT, first parts, caches) so the first measured encoding is not the one paying for it.
    await fullPath(child.url, load, 'protobuf', QUICK ? 0.5 : 3);
    // Encodings take turns in rounds, so none is the one that always runs first on a fresh table.
    const encodings: PayloadEncoding[] = load.shape === BENCH_LOAD ? ['protobuf', 'json', 'protobuf+gzip'] : ['protobuf'];
    const rounds = QUICK ? 1 : 2;
    const runs = new Map<PayloadEncoding, Array<Awaited<ReturnType<typeof fullPath>>>>();
    for (let round = 0; round < rounds; round++) {
      for (const encoding of encodings) runs.set(encoding, [...(runs.get(encoding) ?? []), await fullPath(child.url, load, encoding, SECONDS / rounds, child.proc.pid)]);
    }
    for (const encoding of encodings) {
      const rs = runs.get(encoding)!;
      const rate = rs.reduce((t, x) => t + x.rate, 0) / rs.length;
      const errors = rs.reduce((t, x) => t + x.errors, 0);
      const latencies = rs.flatMap((x) => x.latencies);
      const cpu = new Map<string, number>();
      for (const r of rs) for (const [g, us] of r.cpu) cpu.set(g, (cpu.get(g) ?? 0) + us / rs.length);
      figures.push(
        { figure: `  full path, OTLP ${encoding}, ${load.senders} senders`, value: `${fmt(rate)} spans/s`, ratio: `${(rate / m.yardstick).toFixed(2)} of yardstick (goal ≥ 0.50)` },
        { figure: `    request latency p50 / p99`, value: `${ms(latencies, 0.5)} / ${ms(latencies, 0.99)}`, ratio: errors ? `${errors} non-2xx` : '' },
        {
          figure: '    collector CPU per span',
          value: `${fmt([...cpu.values()].reduce((a, b) => a + b, 0), 0)} µs`,
          ratio: [...cpu].sort((a, b) => b[1] - a[1]).map(([g, us]) => `${g} ${fmt(us, 0)}`).join(' · '),
        },
      );
    }
  } finally {
    child.proc.kill('SIGTERM');
    await child.exited;
  }
}
report('ingest', figures);
