import { decodeTraces } from '../collector/otlp/decode.js';
import { normalizeSpan } from '../collector/ingest/normalize.js';
import { DEFAULT_LIMITS } from '../collector/limits.js';
import { ChdbStore } from '../collector/store/chdb.js';
import { migrate } from '../collector/store/migrate.js';
import { tempDataDir } from '../test/helpers/collector.js';
import { payloads } from './payloads.js';
import { fmt, QUICK, report } from './util.js';

/**
 * Bytes on disk per span: realistic spans (the ingest benchmark's payloads,
 * with captured prompt/response content on LLM spans) normalized and stored,
 * then measured from system.parts and system.columns after a final merge.
 */
const SPANS = QUICK ? 20_000 : 1_000_000;
const store = new ChdbStore(tempDataDir());
await migrate(store);
const factory = payloads('protobuf');
const ctx = { project: 'default', limits: DEFAULT_LIMITS, onTruncate: () => undefined };
for (let done = 0; done < SPANS; ) {
  const rows = [];
  for (let i = 0; i < 20 && done < SPANS; i++, done += factory.spansPerRequest) {
    for (const e of decodeTraces(factory.next(), 'protobuf')) if (!('malformed' in e)) rows.push(normalizeSpan(e, ctx).span);
  }
  await store.insert('spans', rows);
}
await store.command('OPTIMIZE TABLE spans FINAL');
const [parts] = await store.query<{ rows: number; compressed: number; uncompressed: number }>(
  `SELECT sum(rows) AS rows, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed
   FROM system.parts WHERE active AND table = 'spans' AND database = currentDatabase()`,
);
const columns = await store.query<{ name: string; compressed: number; codec: string }>(
  `SELECT name, data_compressed_bytes AS compressed, compression_codec AS codec FROM system.columns
   WHERE table = 'spans' AND database = currentDatabase() ORDER BY compressed DESC LIMIT 5`,
);
await store.close();
const p = parts!;
report('storage', [
  { figure: `spans stored (realistic attributes and content)`, value: fmt(p.rows) },
  { figure: 'bytes on disk per span (compressed)', value: `${fmt(p.compressed / p.rows, 1)} B`, ratio: `${fmt(p.uncompressed / p.compressed, 1)}× compression` },
  ...columns.map((c) => ({ figure: `  column ${c.name} ${c.codec || '(default LZ4)'}`, value: `${fmt(c.compressed / p.rows, 1)} B/span` })),
]);
