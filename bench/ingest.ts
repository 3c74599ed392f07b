import { decodeTraces } from '../collector/otlp/decode.js';
import { normalizeSpan } from '../collector/ingest/normalize.js';
import type { SpanRow } from '../collector/ingest/rows.js';
import { DEFAULT_LIMITS } from '../collector/limits.js';
import { ChdbStore } from '../collector/store/chdb.js';
import { migrate } from '../collector/store/migrate.js';
import { tempDataDir } from '../test/helpers/data-dir.js';
import { freePort, spawnCollector } from '../test/helpers/child-collector.js';
import { type PayloadEncoding, payloads } from './payloads.js';
import { fmt, ms, QUICK, report } from './util.js';

/**
 * Ingest throughput: real OTLP requests over loopback HTTP into a collector
 * process (decode → normalize → dedup → group commit), against the limit:
 * the same normalized rows inserted straight into chdb, in this process.
 */
const SECONDS = QUICK ? 1.5 : 10;
const SENDERS = 8;

async function fullPath(url: string, encoding: PayloadEncoding, seconds = SECONDS) {
  const factory = payloads(encoding);
  const latencies: number[] = [];
  let spans = 0;
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
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
  return { rate: spans / ((performance.now() - started) / 1000), latencies, errors };
}

/**
 * The limit: the same normalized rows inserted straight into chdb, as fast as
 * it goes here — batches of 5,000 rows (what group commit forms under load),
 * several inserts at once (chdb runs concurrent inserts on all cores).
 */
async function limit(): Promise<number> {
  const store = new ChdbStore(tempDataDir());
  await migrate(store);
  const factory = payloads('protobuf');
  const ctx = { project: 'default', limits: DEFAULT_LIMITS, onTruncate: () => undefined };
  const batches: SpanRow[][] = [];
  for (let i = 0; i < (QUICK ? 6 : 40); i++) {
    const rows: SpanRow[] = [];
    for (let r = 0; r < 10; r++) {
      for (const e of decodeTraces(factory.next(), 'protobuf')) if (!('malformed' in e)) rows.push(normalizeSpan(e, ctx).span);
    }
    batches.push(rows);
  }
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) await store.insert('spans', batches[next++]!);
    }),
  );
  const rate = batches.reduce((n, b) => n + b.length, 0) / ((performance.now() - started) / 1000);
  await store.close();
  return rate;
}

const limitRate = await limit();
const port = await freePort();
const child = await spawnCollector(tempDataDir(), port);
// Warm-up (JIT, first parts, caches) so the first measured encoding is not the one paying for it.
await fullPath(child.url, 'protobuf', QUICK ? 0.5 : 3);
const figures = [{ figure: 'limit: normalized rows inserted straight into chdb', value: `${fmt(limitRate)} spans/s`, ratio: '1.00' }];
// Encodings take turns in rounds, so none is the one that always runs first on a fresh table.
const ENCODINGS = ['protobuf', 'json', 'protobuf+gzip'] as const;
const ROUNDS = QUICK ? 1 : 2;
const runs = new Map<PayloadEncoding, Array<Awaited<ReturnType<typeof fullPath>>>>();
for (let round = 0; round < ROUNDS; round++) {
  for (const encoding of ENCODINGS) runs.set(encoding, [...(runs.get(encoding) ?? []), await fullPath(child.url, encoding, SECONDS / ROUNDS)]);
}
for (const encoding of ENCODINGS) {
  const rs = runs.get(encoding)!;
  const r = { rate: rs.reduce((t, x) => t + x.rate, 0) / rs.length, latencies: rs.flatMap((x) => x.latencies), errors: rs.reduce((t, x) => t + x.errors, 0) };
  figures.push(
    { figure: `full path, OTLP ${encoding}, ${SENDERS} senders`, value: `${fmt(r.rate)} spans/s`, ratio: `${(r.rate / limitRate).toFixed(2)} of limit` },
    { figure: `  request latency p50 / p99 (${encoding})`, value: `${ms(r.latencies, 0.5)} / ${ms(r.latencies, 0.99)}`, ratio: r.errors ? `${r.errors} non-2xx` : '' },
  );
}
child.proc.kill('SIGTERM');
await child.exited;
report('ingest', figures);
