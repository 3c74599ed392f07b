import { readFileSync } from 'node:fs';
import { freePort, spawnCollector } from '../test/helpers/child-collector.js';
import { tempDataDir } from '../test/helpers/data-dir.js';
import { type MemoryLimit, createMemoryLimit, dropPageCache, memoryLimitUnavailable } from './memory-limit.js';
import { payloads } from './payloads.js';
import { type Figure, fmt, QUICK, report } from './util.js';

/**
 * Collector RSS under sustained ingest at its maximum rate (8 senders, no
 * pauses), sampled every 250 ms from /proc, and again after the load stops;
 * in embedded mode (ClickHouse inside the collector) and in server mode (the
 * collector alone; the ClickHouse HTTP stand-in runs in this process, so its
 * memory is not counted, as a real server's would not be).
 *
 * Then container sizing: the embedded collector held to a memory limit by a
 * cgroup, as a container's limit would hold it, with the page cache dropped
 * first so that libchdb.so's code is charged to it too; its ingest rate there
 * against its unconstrained rate says how small a container it can run in.
 * This process loads chdb (for the stand-in) only after those runs, since
 * pages it mapped would stay cached and charged elsewhere.
 */
const LOAD_SECONDS = QUICK ? 3 : 60;
const LIMITED_LOAD_SECONDS = QUICK ? 2 : 20;
const SETTLE_SECONDS = QUICK ? 2 : 15;
const BOUND_MB = 300;
/** #23's goals for what an embedded collector allocates: its anonymous memory at the peak, and above idle after the load. */
const ANON_PEAK_GOAL_MB = 200;
const ANON_SETTLE_GOAL_MB = 50;
const LIMITS_MB = QUICK ? [400] : [300, 350, 400];

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
const verdict = (mb: number, bound = BOUND_MB) => (mb <= bound ? 'within' : 'OVER');

interface Run {
  baseline: Rss;
  peak: Rss;
  after: Rss;
  /** Spans/s committed during the load. */
  rate: number;
}

/** Starts a collector, waits a second, loads it for `seconds` at its maximum rate, lets it settle, stops it. */
async function run(env: Record<string, string>, seconds: number, launcher: string[] = []): Promise<Run> {
  const child = await spawnCollector(tempDataDir(), await freePort(), env, launcher);
  const pid = child.proc.pid!;
  const samples: Rss[] = [];
  // A collector killed under a memory limit has no RSS left to read; the load's failed requests report it.
  const sampler = setInterval(() => {
    try {
      samples.push(rssMb(pid));
    } catch {}
  }, 250);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = rssMb(pid);
    const factory = payloads('protobuf');
    let spans = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < until) {
          const res = await fetch(`${child.url}/v1/traces`, { method: 'POST', headers: { 'content-type': factory.contentType }, body: factory.next() as Uint8Array<ArrayBuffer> });
          await res.arrayBuffer();
          if (res.ok) spans += factory.spansPerRequest;
        }
      }),
    );
    const peak = samples.reduce((a, b) => (b.total > a.total ? b : a), baseline);
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
    return { baseline, peak, after: rssMb(pid), rate: spans / seconds };
  } finally {
    clearInterval(sampler);
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGTERM');
    await child.exited;
  }
}

function figures(mode: string, r: Run): Figure[] {
  const embedded = mode === 'embedded';
  const anonAbove = r.after.anon - r.baseline.anon;
  return [
    { figure: `${mode}: collector RSS at start (idle)`, value: show(r.baseline) },
    {
      figure: `${mode}: RSS peak during ${LOAD_SECONDS} s of max-rate ingest`,
      value: show(r.peak),
      ratio: embedded
        ? `anonymous ${verdict(r.peak.anon, ANON_PEAK_GOAL_MB)} the ${ANON_PEAK_GOAL_MB} MB goal; total ${verdict(r.peak.total)} ${BOUND_MB} MB (libchdb.so's code)`
        : `${verdict(r.peak.total)} the ${BOUND_MB} MB bound`,
    },
    { figure: `${mode}:   ingest rate meanwhile`, value: `${fmt(r.rate)} spans/s` },
    {
      figure: `${mode}: RSS ${SETTLE_SECONDS} s after the load`,
      value: show(r.after),
      ratio: embedded
        ? `anonymous ${fmt(anonAbove)} MB above start: ${verdict(anonAbove, ANON_SETTLE_GOAL_MB)} the ${ANON_SETTLE_GOAL_MB} MB goal`
        : `${fmt(r.after.total - r.baseline.total)} MB above start`,
    },
  ];
}

/** The embedded collector inside a memory cgroup of `limitMb`: its rate against the unconstrained one. */
async function limited(limitMb: number, unconstrained: number): Promise<Figure> {
  const figure = `embedded, held to ${limitMb} MB by a cgroup: ingest rate`;
  let limit: MemoryLimit;
  try {
    // Quick mode keeps the page cache: its figures only keep the script from rotting.
    if (!QUICK) dropPageCache();
    limit = createMemoryLimit('evaltrace-bench', limitMb);
  } catch (err) {
    // Root in a container may still find /sys/fs/cgroup or /proc/sys read-only (a system error, with a code); anything else is a bug here.
    if (!(err instanceof Error && 'code' in err)) throw err;
    return { figure, value: 'skipped', ratio: `cannot set a memory limit here: ${(err as Error).message}` };
  }
  try {
    let r: Run;
    try {
      r = await run({}, LIMITED_LOAD_SECONDS, limit.launcher);
    } catch (err) {
      if (limit.oomKills() === 0) throw err;
      return { figure, value: 'OOM-killed', ratio: `the kernel killed the collector at the ${limitMb} MB limit` };
    }
    const oom = limit.oomKills();
    return {
      figure,
      value: `${fmt(r.rate)} spans/s`,
      ratio: `${fmt(r.rate / unconstrained, 2)} of unconstrained; RSS peak ${show(r.peak)}, ${verdict(r.peak.total)} the ${BOUND_MB} MB bound; group's peak ${fmt(limit.maxUsageMb())} MB (page cache included)${oom ? `, ${oom} OOM kill(s)` : ''}`,
    };
  } finally {
    limit.remove();
  }
}

const embedded = await run({}, LOAD_SECONDS);
const out = figures('embedded', embedded);
const unavailable = memoryLimitUnavailable();
if (unavailable) out.push({ figure: 'embedded, held to a memory limit by a cgroup', value: 'skipped', ratio: unavailable });
else for (const mb of LIMITS_MB) out.push(await limited(mb, embedded.rate));

const { startFakeClickHouse } = await import('../test/helpers/clickhouse-http.js');
const { serverModeEnv } = await import('../test/helpers/server-mode.js');
const fake = await startFakeClickHouse();
out.push(...figures('server mode', await run(serverModeEnv(fake) as Record<string, string>, LOAD_SECONDS)));
await fake.close();
report('memory', out);
