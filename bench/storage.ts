import { decodeTraces } from '../collector/otlp/decode.js';
import { normalizeSpan } from '../collector/ingest/normalize.js';
import { DEFAULT_LIMITS } from '../collector/limits.js';
import { ChdbStore } from '../collector/store/chdb.js';
import { migrate } from '../collector/store/migrate.js';
import { tempDataDir } from '../test/helpers/data-dir.js';
import { payloads } from './payloads.js';
import { mulberry32 } from '../collector/stats/index.js';
import { fmt, QUICK, report } from './util.js';

const random = mulberry32(7);
const VOCABULARY = Array.from({ length: 2000 }, (_, i) => (i * 2654435761 % 4294967296).toString(36).slice(0, 3 + (i % 6)));
const sentence = (words: number) => Array.from({ length: words }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]).join(' ');

/**
 * Bytes on disk per span: the ingest benchmark's spans, normalized and
 * stored, with every captured prompt and response rewritten to its own text
 * (words drawn from a 2,000-word vocabulary, so content compresses like
 * language, not like a repeated template), then measured from system.parts
 * and system.columns after a final merge.
 */
const SPANS = QUICK ? 20_000 : 1_000_000;
const store = new ChdbStore(tempDataDir());
await migrate(store);
const factory = payloads('protobuf');
const ctx = { project: 'default', limits: DEFAULT_LIMITS, onTruncate: () => undefined };
for (let done = 0; done < SPANS; ) {
  const rows = [];
  for (let i = 0; i < 20 && done < SPANS; i++, done += factory.spansPerRequest) {
    for (const e of decodeTraces(factory.next(), 'protobuf')) {
      if ('malformed' in e) continue;
      const row = normalizeSpan(e, ctx).span;
      if (row.is_llm) {
        row.attributes['gen_ai.input.messages'] = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: sentence(60) }] }]);
        row.attributes['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: sentence(30) }] }]);
      }
      rows.push(row);
    }
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
   WHERE table = 'spans' AND database = currentDatabase() AND data_compressed_bytes > 0 ORDER BY compressed DESC LIMIT 5`,
);
await store.close();
const p = parts!;
report('storage', [
  { figure: `spans stored (realistic attributes and content)`, value: fmt(p.rows) },
  { figure: 'bytes on disk per span (compressed)', value: `${fmt(p.compressed / p.rows, 1)} B`, ratio: `${fmt(p.uncompressed / p.compressed, 1)}× compression` },
  ...columns.map((c) => ({ figure: `  column ${c.name} ${c.codec || '(default LZ4)'}`, value: `${fmt(c.compressed / p.rows, 1)} B/span` })),
]);
