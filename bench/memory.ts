import { readFileSync } from 'node:fs';
import { startFakeClickHouse } from '../test/helpers/clickhouse-http.js';
import { tempDataDir } from '../test/helpers/collector.js';
import { freePort, spawnCollector } from '../test/helpers/child-collector.js';
import { serverModeEnv } from '../test/helpers/server-mode.js';
import { payloads } from './payloads.js';
import { type Figure, fmt, QUICK, report } from './util.js';

/**
 * Collector RSS under sustained ingest at its maximum rate (8 senders, no
 * pauses), sampled every 250 ms from /proc, and again after the load stops;
 * in embedded mode (ClickHouse inside the collector) and in server mode (the
 * collector alone; the ClickHouse HTTP stand-in runs in this process, so its
 * memory is not counted, as a real server's would not be).
 */
const LOAD_SECONDS = QUICK ? 3 : 60;
const SETTLE_SECONDS = QUICK ? 2 : 15;
const BOUND_MB = 300;

interface Rss {
  total: number;
  /** Anonymous memory: heaps, caches, buffers — what the process really holds. */
  anon: number;
  /** File-backed pages, mostly libchdb.so's code: clean, shared, and dropped by the kernel under pressure. */
  file: number;
}

const rssMb = (pid: number): Rss => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { total: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
};
const show = (r: Rss) => `${fmt(r.total)} MB (${fmt(r.anon)} anon + ${fmt(r.file)} file)`;
const verdict = (mb: number) => (mb <= BOUND_MB ? 'within' : 'OVER');

async function measure(mode: string, env: Record<string, string>): Promise<Figure[]> {
  const child = await spawnCollector(tempDataDir(), await freePort(), env);
  const pid = child.proc.pid!;
  await new Promise((r) => setTimeout(r, 1000));
  const baseline = rssMb(pid);
  const samples: Rss[] = [];
  const sampler = setInterval(() => samples.push(rssMb(pid)), 250);
  const factory = payloads('protobuf');
  let spans = 0;
  const until = performance.now() + LOAD_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < until) {
        const res = await fetch(`${child.url}/v1/traces`, { method: 'POST', headers: { 'content-type': factory.contentType }, body: factory.next() as Uint8Array<ArrayBuffer> });
        await res.arrayBuffer();
        if (res.ok) spans += factory.spansPerRequest;
      }
    }),
  );
  clearInterval(sampler);
  await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
  const after = rssMb(pid);
  const peak = samples.reduce((a, b) => (b.total > a.total ? b : a), baseline);
  child.proc.kill('SIGTERM');
  await child.exited;
  return [
    { figure: `${mode}: collector RSS at start (idle)`, value: show(baseline) },
    {
      figure: `${mode}: RSS peak during ${LOAD_SECONDS} s of max-rate ingest`,
      value: show(peak),
      ratio: `${verdict(peak.total)} the ${BOUND_MB} MB bound (anonymous part ${verdict(peak.anon)})`,
    },
    { figure: `${mode}:   ingest rate meanwhile`, value: `${fmt(spans / LOAD_SECONDS)} spans/s` },
    { figure: `${mode}: RSS ${SETTLE_SECONDS} s after the load`, value: show(after), ratio: `${fmt(after.total - baseline.total)} MB above start` },
  ];
}

const embedded = await measure('embedded', {});
const fake = await startFakeClickHouse();
const server = await measure('server mode', serverModeEnv(fake) as Record<string, string>);
await fake.close();
report('memory', [...embedded, ...server]);
