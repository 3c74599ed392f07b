/**
 * `evaltrace demo`: starts a collector on its own embedded data directory (or
 * uses the one --url names), fills it with the demo experiment and prints the
 * dashboard pages to open; then it keeps serving until Ctrl-C, unless --exit.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, Client } from '../cli/client.js';
import { pct, pp, signed, signedUsd } from '../cli/format.js';
import type { Io } from '../cli/main.js';
import type { z } from '@hono/zod-openapi';
import type { TriplesResponse } from '../contract/responses.js';
import { stopOnSignals } from '../run.js';
import { type RunningCollector, startCollector } from '../server.js';
import { type DemoResult, PLANNED_TASKS, runDemoExperiment } from './experiment.js';
import { progressBar } from './progress.js';
import { DATASET, JUDGE, PROMPT } from './scenario.js';

const USAGE = `usage: evaltrace demo [--port 4318] [--data .evaltrace/demo] [--exit]
       evaltrace demo --url http://collector:4318 [--api-key KEY]

Runs a realistic experiment through the real SDK against a built-in mock LLM:
2 dataset versions, 3 models, 2 prompt versions, 2 repeats, 2 judge versions,
a gate decision and a release. Then it prints the dashboard pages to open.

options:
  --port N        port of the demo's own collector (default 4318; 0 picks a free one)
  --data DIR      its embedded ClickHouse data (default .evaltrace/demo; replaced on every run)
  --exit          stop once the data is in, instead of serving the dashboard
  --url URL       send to a running collector instead (it must not hold the demo's data yet)
  --api-key KEY   that collector's API key (default: $EVALTRACE_API_KEY)
`;

/** Marks a data directory as the demo's own, so a rerun may replace it and nothing else. */
const MARKER = 'evaltrace-demo.json';

const OPTIONS = {
  port: { type: 'string' },
  data: { type: 'string' },
  exit: { type: 'boolean' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runDemo(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.url !== undefined && (values.port !== undefined || values.data !== undefined)) {
    throw new CliError('--url sends to a running collector; --port and --data are for the demo’s own one, so give one or the other', 2);
  }
  const started = Date.now();
  const progress = progressBar(io.stderr, process.stderr.isTTY === true);

  if (values.url !== undefined) {
    const apiKey = values['api-key'] ?? env.EVALTRACE_API_KEY;
    const client = new Client(values.url, apiKey);
    await refuseIfFilled(client);
    const url = client.baseUrl.origin;
    io.stderr(`evaltrace demo: sending ${PLANNED_TASKS} tasks to ${url}\n`);
    const result = await runDemoExperiment({ url, apiKey, client, progress });
    io.stdout(report(url, result, Date.now() - started));
    return 0;
  }

  const port = parsePort(values.port);
  const dataDir = prepareDataDir(resolve(values.data ?? join('.evaltrace', 'demo')));
  const collector = await startOwnCollector(port, dataDir, env);
  try {
    io.stderr(`evaltrace demo: collector on ${collector.url} (embedded ClickHouse in ${dataDir}); sending ${PLANNED_TASKS} tasks\n`);
    const result = await runDemoExperiment({ url: collector.url, apiKey: undefined, client: new Client(collector.url, undefined), progress });
    io.stdout(report(collector.url, result, Date.now() - started));
  } catch (err) {
    await collector.close();
    throw err;
  }
  if (values.exit) {
    await collector.close();
    return 0;
  }
  io.stdout(`\nserving the demo at ${collector.url} until Ctrl-C (its data stays in ${dataDir}; run again to start afresh)\n`);
  stopOnSignals(collector);
  return new Promise<number>(() => undefined);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 4318;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) throw new CliError(`--port must be a number from 0 to 65535, not "${raw}"`, 2);
  return port;
}

/** The demo's directory, emptied: created when missing, replaced when it is the demo's own, refused otherwise. */
function prepareDataDir(dir: string): string {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, MARKER))) {
      throw new CliError(`${dir} is not empty and is not a demo directory, so the demo will not replace it; pick another with --data`, 2);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), `${JSON.stringify({ createdBy: 'evaltrace demo', at: new Date().toISOString() })}\n`);
  return dir;
}

/** Its own store and an open API on loopback: whatever the environment configures is for the real collector. */
async function startOwnCollector(port: number, dataDir: string, env: NodeJS.ProcessEnv): Promise<RunningCollector> {
  const own = Object.fromEntries(Object.entries(env).filter(([k]) => !/^EVALTRACE_(CLICKHOUSE_|API_KEYS$|DATA_DIR$)|^(PORT|HOST)$/.test(k)));
  try {
    return await startCollector({ env: own, port, host: '127.0.0.1', dataDir: join(dataDir, 'store'), apiKeys: null, grpc: null });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(
        `port ${port} is in use (a collector already running? then fill that one with "evaltrace demo --url http://127.0.0.1:${port}"); or pick another with --port`,
      );
    }
    throw err;
  }
}

async function refuseIfFilled(client: Client): Promise<void> {
  const { triples } = await client.json<z.infer<typeof TriplesResponse>>('/api/triples', { dataset: DATASET });
  const n = triples.reduce((sum, t) => sum + t.n_traces, 0);
  if (n > 0) {
    throw new CliError(
      `${client.baseUrl.origin} already holds ${n} traces of the demo's dataset "${DATASET}"; a second run would judge them twice. Open ${client.baseUrl.origin}/#/triples, or run the demo on its own collector (without --url)`,
    );
  }
}

/** A check's change in its metric's unit: money as dollars, rates in percentage points. */
function change(metric: string, delta: number | null): string {
  if (metric.startsWith('cost')) return signedUsd(delta);
  if (metric.endsWith('_rate')) return pp(delta);
  return signed(delta);
}

/** What happened and where to look: the pages a newcomer opens first. */
export function report(url: string, r: DemoResult, ms: number): string {
  const checks = r.gate.checks.map((c) => `    ${c.metric.padEnd(18)} Δ ${change(c.metric, c.delta).padStart(11)}  ${c.outcome.padEnd(12)} ${c.reason}`);
  const pages: Array<[string, string]> = [
    ['triples', '#/triples'],
    ['prompt versions', `#/prompts?prompt=${PROMPT}`],
    ['compare prompts', `#/compare/prompts?prompt=${PROMPT}&a=v1&b=v2&dataset=${DATASET}&dataset_version=2026-11`],
    ['compare judges', `#/compare/judges?judge=${JUDGE}&a=j1&b=j2`],
    ['runs', '#/runs'],
    ['compare runs', `#/compare/runs?a=2026-11-gpt-4o-mini-v1&b=2026-11-gpt-4o-mini-v2&judge=${JUDGE}&judge_version=j1&evaluation=${JUDGE}`],
    ['datasets', `#/datasets/${DATASET}`],
    ['traces', '#/traces'],
    ...(r.sampleTraceId ? [['a trace the judges disagree on', `#/traces/${r.sampleTraceId}`] as [string, string]] : []),
    ['gate decision (API)', `api/gates/decisions/${r.gate.decision_id}`],
    ['release card (API)', `api/releases/${r.release.id}/card?format=markdown`],
  ];
  return [
    `evaltrace demo: ${r.tasks} tasks (${r.failedTasks} failed: the model declined or was overloaded), ${r.evaluations} evaluations by 2 judge versions, in ${(ms / 1000).toFixed(1)} s`,
    '',
    `gate ${PROMPT} v1 → v2 (gpt-4o-mini on ${DATASET}@2026-11, judge ${JUDGE}@j1): ${r.gate.decision.toUpperCase()}`,
    ...checks,
    `  next: ${r.gate.next_action}`,
    `release ${r.release.name} (${PROMPT} ${r.release.config.prompt_version}): ${r.release.stage}; success rate ${pct(r.gate.checks.find((c) => c.metric === 'success_rate')?.candidate ?? null)}`,
    '',
    'open:',
    ...pages.map(([name, path]) => `  ${name.padEnd(32)} ${url}/${path}`),
    '',
  ].join('\n');
}
