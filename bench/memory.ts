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

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

const child = await spawnCollector(tempDataDir(), await freePort());
const pid = child.proc.pid!;
await new Promise((r) => setTimeout(r, 1000));
const baseline = rssMb(pid);
const samples: number[] = [];
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
const peak = Math.max(...samples);
child.proc.kill('SIGTERM');
await child.exited;
report('memory', [
  { figure: 'collector RSS at start (idle)', value: `${fmt(baseline)} MB` },
  { figure: `collector RSS peak during ${LOAD_SECONDS} s of max-rate ingest`, value: `${fmt(peak)} MB`, ratio: `${peak <= BOUND_MB ? 'within' : 'OVER'} the ${BOUND_MB} MB bound` },
  { figure: `  spans ingested meanwhile`, value: fmt(spans) },
  { figure: `collector RSS ${SETTLE_SECONDS} s after the load`, value: `${fmt(after)} MB`, ratio: `${fmt(after - baseline)} MB above start` },
]);
