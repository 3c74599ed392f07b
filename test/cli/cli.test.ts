import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../collector/cli/main.js';
import type { RunningCollector } from '../../collector/server.js';
import { EVALUATION, JUDGE, MODELS, passed, planTraces, sendAll } from '../analytics/data.js';
import { avg, kappaOf, pairedExamples, tableOf } from '../analytics/expected.js';
import { startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';

const KEY = 'cli-test-key';
const OUT = join(mkdtempSync(join(tmpdir(), 'evaltrace-cli-')), 'disagreements.csv');
const BIN = join(import.meta.dirname, '../../collector/bin/evaltrace.mjs');
const traces = planTraces();
const fixed = traces.filter((t) => t.prompt === 'answer');
let collector: RunningCollector;
let runs: Record<string, Promise<Run>>;
let refusedPort = 0;

/** A port nothing listens on: bound, then released. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real bin in a child process (asynchronously: the collector answers from this process). */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', EVALTRACE_URL: collector.url, EVALTRACE_API_KEY: KEY, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function api(path: string) {
  return (await fetch(collector.url + path, { headers: { authorization: `Bearer ${KEY}` } })).json();
}

/** The table whose header line starts with `header`: header, ─── rule and rows up to the next blank line. */
function tableAt(text: string, header: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l, i) => l.startsWith(header) && /^─/.test(lines[i + 1] ?? ''));
  expect(start, `a table with header "${header}"`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start, end === -1 ? undefined : end);
}

/** Every row keeps to the column spans that the ─── rule under the header marks out. */
function expectAligned(table: string[]): void {
  const gaps = [...table[1]!].flatMap((ch, i) => (ch === ' ' ? [i] : []));
  expect(gaps.length).toBeGreaterThan(0);
  expect(table.length).toBeGreaterThan(2);
  for (const line of [table[0]!, ...table.slice(2)]) {
    for (const g of gaps) expect(line[g] ?? ' ', `column gap at ${g} in "${line}"`).toBe(' ');
  }
}

const sig3 = (x: number) => String(Number(x.toPrecision(3)));
const signed3 = (x: number) => (x > 0 ? `+${sig3(x)}` : sig3(x));

beforeAll(async () => {
  collector = await startTestCollector({ apiKeys: new Map([[KEY, 'default']]) });
  const sender = makeSender({ url: collector.url, encoding: 'protobuf', gzip: false, batch: true, headers: { authorization: `Bearer ${KEY}` } });
  await sendAll(sender, traces);
  await sender.shutdown();
  // The bin runs side by side: its start-up (tsx) dominates, so they overlap instead of queueing.
  const closedPort = await freePort();
  const comparePrompts = ['compare', 'prompts', 'answer', 'v1', 'v2', '--judge', JUDGE, '--judge-version', 'j1'];
  runs = {
    comparePrompts: cli(comparePrompts),
    comparePromptsJson: cli([...comparePrompts, '--json']),
    compareJudges: cli(['compare', 'judges', JUDGE, 'j1', 'j2', '--prompt', 'answer', '--limit', '3']),
    prompts: cli(['prompts', 'answer', '--judge', JUDGE]),
    triples: cli(['triples', '--prompt', 'answer']),
    download: cli(['compare', 'judges', JUDGE, 'j1', 'j2', '--prompt', 'answer', '--format', 'csv', '--out', OUT]),
    ambiguous: cli(['compare', 'prompts', 'answer', 'v1', 'v2']),
    refused: cli(['triples', '--url', `http://127.0.0.1:${closedPort}`]),
    arity: cli(['compare', 'prompts', 'answer', 'v1']),
  };
  refusedPort = closedPort;
  await Promise.all(Object.values(runs));
}, 120_000);

afterAll(async () => {
  await collector?.close();
});

describe('evaltrace CLI against a live collector', () => {
  it('compare prompts prints per-model tables whose numbers match the paired statistics, and --json is the API answer', async () => {
    const [table, json] = await Promise.all([runs.comparePrompts!, runs.comparePromptsJson!]);
    expect(table.code).toBe(0);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body).toEqual(await api(`/api/compare/prompts?prompt=answer&a=v1&b=v2&judge=${JUDGE}&judge_version=j1`));
    for (const model of MODELS) {
      const { pairs } = pairedExamples(traces, 'answer', model, 'j1');
      const delta = avg(pairs.map(([a, b]) => b.score - a.score));
      expect(body.models.find((m: any) => m.model === model).mean_delta).toBeCloseTo(delta, 12);
      const block = table.stdout.slice(table.stdout.indexOf(`model ${model}`));
      expect(block).toMatch(/^model .*: 60 paired examples/);
      const rows = tableAt(block, 'metric');
      expectAligned(rows);
      const scoreRow = rows.find((l) => l.startsWith('score'))!;
      expect(scoreRow).toContain(signed3(delta));
      expect(scoreRow).toMatch(/^score\s+60\s/);
    }
    expect(table.stdout).toContain(`score: ${JUDGE} j1 ${EVALUATION}`);
  });

  it('compare judges prints agreement, kappa, the confusion table and the disagreements', async () => {
    const run = await runs.compareJudges!;
    expect(run.code).toBe(0);
    const table = tableOf(fixed.map((t) => [passed(t, 'j1'), passed(t, 'j2')]));
    const { agreement, kappa } = kappaOf(table);
    expect(run.stdout).toContain('240 traces scored by both');
    expect(run.stdout).toContain(`agreement ${(agreement * 100).toFixed(1)}%`);
    expect(run.stdout).toContain(`cohen's kappa ${String(Number(kappa.toPrecision(3)))}`);
    expect(run.stdout).toMatch(new RegExp(`j1 pass\\s+${table.pass_pass}\\s+${table.pass_fail}`));
    const n = fixed.filter((t) => passed(t, 'j1') !== passed(t, 'j2')).length;
    expect(run.stdout).toContain(`disagreements (${n}, showing 3)`);
    expect(run.stdout).toMatch(/more: --cursor [0-9a-f]{32}/);
    expectAligned(tableAt(run.stdout, 'dataset'));
    expectAligned(tableAt(run.stdout, 'trace id'));
  });

  it('prompts and triples print aligned tables of every version and model', async () => {
    const [prompts, triples] = await Promise.all([runs.prompts!, runs.triples!]);
    expect(prompts.code).toBe(0);
    expect(triples.code).toBe(0);
    for (const [out, header] of [
      [prompts.stdout, 'version'],
      [triples.stdout, 'dataset'],
    ] as const) {
      const rows = tableAt(out, header);
      expectAligned(rows);
      for (const model of MODELS) expect(rows.filter((l) => l.includes(model))).toHaveLength(2);
    }
    expectAligned(tableAt(prompts.stdout.slice(prompts.stdout.indexOf('quality by judge version')), 'version'));
  });

  it('writes a CSV download to --out and says so on stderr', async () => {
    const run = await runs.download!;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/wrote \d+ bytes to/);
    const lines = readFileSync(OUT, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^judge,a,b,evaluation,trace_id,example_id/);
    expect(lines).toHaveLength(1 + fixed.filter((t) => passed(t, 'j1') !== passed(t, 'j2')).length);
  });

  it('exits 1 with the collector’s message when the API refuses', async () => {
    const ambiguous = await runs.ambiguous!;
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toMatch(/^evaltrace: the collector answered 400: .*pick one/);
  });

  it('exits 1 with a clear message when no collector listens at the URL', async () => {
    const run = await runs.refused!;
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`evaltrace: cannot reach the collector at http://127.0.0.1:${refusedPort}: connection refused (start it with "npm start", or point --url / EVALTRACE_URL at it)\n`);
  });

  it('exits 2 with the usage line when the arguments are wrong', async () => {
    const run = await runs.arity!;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: evaltrace compare prompts NAME A B');
  });
});

/** The bin's entry point in this process, for the many usage cases (the bin itself only adds tsx, tested above). */
async function inProcess(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { EVALTRACE_URL: collector.url, EVALTRACE_API_KEY: KEY, ...env }, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

describe('evaltrace options and errors', () => {
  it('sends the API key from --api-key or EVALTRACE_API_KEY, and exits 1 pointing at them on a 401', async () => {
    const noKey = await inProcess(['triples'], { EVALTRACE_API_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/401.*--api-key or set EVALTRACE_API_KEY/);
    const flag = await inProcess(['triples', '--json', '--api-key', KEY], { EVALTRACE_API_KEY: '' });
    expect(flag.code).toBe(0);
    expect(JSON.parse(flag.stdout).triples.length).toBeGreaterThan(0);
  });

  it('exits 2 on bad usage: an option of another command, a bad --format, a command without downloads, an unknown command', async () => {
    const cases: [string[], string][] = [
      [['prompts', 'answer', '--limit', '3'], '--limit is not an option of "evaltrace prompts"'],
      [['triples', '--format', 'xml'], '--format must be csv or jsonl'],
      [['prompts', 'answer', '--format', 'csv'], 'has no --format download'],
      [['triples', '--json', '--format', 'csv'], '--json and --format are alternatives'],
      [['triples', '--url', 'ftp://x'], 'must be an http:// or https:// URL'],
      [['frobnicate'], 'unknown command "frobnicate"'],
    ];
    for (const [args, message] of cases) {
      const run = await inProcess(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });

  it('prints help for --help and for a command, with exit 0', async () => {
    const help = await inProcess(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['triples', 'prompts NAME', 'compare prompts NAME A B', 'compare judges NAME A B']) expect(help.stdout).toContain(`evaltrace ${name}`);
    const command = await inProcess(['compare', 'judges', '--help']);
    expect(command.stdout).toContain('--cursor');
  });
});
