import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { type Figure, fmt } from './util.js';

/**
 * `npm run bench [-- --quick] [-- --only ingest,query]`: runs each benchmark
 * in its own process (chdb holds one data directory per process) and prints
 * one table of figures with their ratios. --quick runs every benchmark in
 * seconds, as CI does to keep them from rotting.
 */
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1]?.split(',') : undefined;

const BENCHES: Array<{ name: string; args: string[] }> = [
  { name: 'ingest', args: ['bench/ingest.ts'] },
  { name: 'query', args: ['bench/query.ts', '--traces', quick ? '5000' : '50000'] },
  ...(quick ? [] : [{ name: 'query', args: ['bench/query.ts', '--traces', '500000'] }]),
  { name: 'sdk', args: ['bench/sdk.ts'] },
  { name: 'memory', args: ['bench/memory.ts'] },
  { name: 'storage', args: ['bench/storage.ts'] },
];

/** Each endpoint's time at the largest size over its time at the smallest, against the ≤ 3× goal for 10× the data. */
function scaling(figures: Figure[]): Array<Figure & { bench: string }> {
  const byEndpoint = new Map<string, Figure[]>();
  for (const f of figures) if (f.endpoint && f.ms !== undefined && f.spans) byEndpoint.set(f.endpoint, [...(byEndpoint.get(f.endpoint) ?? []), f]);
  return [...byEndpoint.entries()].flatMap(([endpoint, fs]) => {
    if (fs.length < 2) return [];
    const sorted = fs.sort((x, y) => x.spans! - y.spans!);
    const small = sorted[0]!;
    const large = sorted.at(-1)!;
    const times = large.ms! / small.ms!;
    const data = large.spans! / small.spans!;
    return [{
      bench: 'query',
      figure: `${endpoint}: time at ${fmt(large.spans! / 1e6, 1)}M / at ${fmt(small.spans! / 1e6, 1)}M spans`,
      value: `${fmt(times, 1)}×`,
      ratio: `for ${fmt(data, 0)}× the data (goal ≤ ${fmt(data * 0.3, 0)}×)`,
    }];
  });
}

function run(args: string[]): Promise<{ code: number; figures: Figure[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args, ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    const figures: Figure[] = [];
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('BENCH ')) figures.push(...(JSON.parse(line.slice(6)) as { figures: Figure[] }).figures);
        else console.log(line);
      }
    });
    child.on('exit', (code) => resolve({ code: code ?? 1, figures }));
  });
}

// The ingest and memory benchmarks start the collector as `npm start` does: from the built JavaScript.
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const machine = `${cpus().length} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
console.log(`evaltrace benchmarks${quick ? ' (quick)' : ''} on ${machine}, ${new Date().toISOString().slice(0, 10)}\n`);
const all: Array<Figure & { bench: string }> = [];
let failed = 0;
for (const b of BENCHES.filter((x) => !only || only.includes(x.name))) {
  console.log(`# ${b.name} ${b.args.slice(1).join(' ')}`);
  const r = await run(b.args);
  if (r.code !== 0) failed += 1;
  all.push(...r.figures.map((f) => ({ ...f, bench: b.name })));
}
all.push(...scaling(all));
console.log('\n| benchmark | figure | value | ratio |\n|---|---|---|---|');
for (const f of all) console.log(`| ${f.bench} | ${f.figure.trim()} | ${f.value} | ${f.ratio ?? ''} |`);
if (failed) {
  console.error(`${failed} benchmark(s) failed`);
  process.exitCode = 1;
}
