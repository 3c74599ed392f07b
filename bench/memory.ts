import { readFileSync } from 'node:fs';
import { tempDataDir } from '../test/helpers/collector.js';
import { freePort, spawnCollector } from '../test/helpers/child-collector.js';
import { payloads } from './payloads.js';
import { fmt, QUICK, report } from './util.js';

/**
 * Collector RSS under sustained ingest at its maximum rate (8 senders, no
 * pauses), sampled every 250 ms from /proc, and again after the load stops.
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

const child = await spawnCollector(tempDataDir(), await freePort());
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
report('memory', [
  { figure: 'collector RSS at start (idle)', value: show(baseline) },
  {
    figure: `collector RSS peak during ${LOAD_SECONDS} s of max-rate ingest`,
    value: show(peak),
    ratio: `${peak.total <= BOUND_MB ? 'within' : 'OVER'} the ${BOUND_MB} MB bound (anonymous part ${peak.anon <= BOUND_MB ? 'within' : 'OVER'} it)`,
  },
  { figure: `  spans ingested meanwhile`, value: fmt(spans) },
  { figure: `collector RSS ${SETTLE_SECONDS} s after the load`, value: show(after), ratio: `${fmt(after.total - baseline.total)} MB above start` },
]);
