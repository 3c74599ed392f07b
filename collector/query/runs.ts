import type { Coverage, RunConfig, RunDetail, RunItem, RunSummary } from '../contract/runs.js';
/**
 * Experiment runs: the traces that share a run id, repeats pooled. The SDK's
 * runExperiment() tags repeat r of run R as `R/r`, so a run is the run id
 * less a trailing `/<digits>`; any other run id is a run of its own.
 */
import { ATTR } from '@evaltrace/semantic-conventions';
import { loadDatasetVersion } from '../datasets/registry.js';
import { parseRequestParams } from '../ingest/request-params.js';
import type { QueryParams, Store } from '../store/types.js';
import { coverage } from './coverage.js';
import { envelopeCounts, envelopeOfTraces } from './envelope.js';
import { IN_RUNS, type JudgeFilter, RUN_OF, type TraceFilter, tracesSql } from '../sql/filters.js';
import { traceContent } from './traces.js';
import { CONFIG_NAMES_SQL, DECODE, HAS_SCORE, JUDGE_KEYS_SQL, PASS_CODE, SCORE_KEY, SCORE_OF } from '../sql/traces.js';
import { nsToIso } from '../clock.js';
import { type Grouping, groupStats } from './triples.js';

export interface RunFilter extends TraceFilter, JudgeFilter {
  limit?: number;
}

export interface RunKey {
  run_id: string;
  /** The run ids of its repeats, sorted. */
  run_ids: string[];
  dataset: string;
  dataset_version: string;
  model: string;
  prompt: string;
  prompt_version: string;
  /** Which of dataset, dataset_version, model, prompt, prompt_version differ between the run's traces (the field then shows the least). */
  mixed: string[];
  n_examples: number;
  no_example_id: number;
}

const MIXED = ['dataset', 'dataset_version', 'model', 'prompt', 'prompt_version'] as const;

function byRun(filter: { runs?: readonly string[] }, limit: number, params: QueryParams): Grouping {
  const terms = ["run_id != ''"];
  if (filter.runs) {
    params.r_runs = filter.runs;
    terms.push(IN_RUNS('r_runs'));
  }
  return {
    inner: `${RUN_OF('run_id')} AS run, run_id AS repeat_id, example_id, end_ns`,
    extra: terms.join(' AND '),
    params,
    select: [
      'run AS run_id',
      'arraySort(groupUniqArray(repeat_id)) AS run_ids',
      ...MIXED.map((c) => `${DECODE(`min(${c}_k)`)} AS ${c}`),
      `arrayFilter(x -> x != '', [${MIXED.map((c) => `if(uniqExact(${c}_k) > 1, '${c}', '')`).join(', ')}]) AS mixed`,
      "uniqExactIf(example_id, example_id != '') AS n_examples",
      "countIf(example_id = '') AS no_example_id",
      'toString(max(end_ns)) AS end_ns',
    ].join(', '),
    groupBy: 'run',
    orderBy: `min(start_ns) DESC, run LIMIT ${limit}`,
  };
}

/** Runs newest first, each with its counts, cost, latency, scores per judge version, configurations and envelope. */
export async function listRuns(store: Store, project: string, f: RunFilter & { runs?: readonly string[] }): Promise<RunSummary[]> {
  const params: QueryParams = {};
  const grouping = byRun(f, f.limit ?? 100, params);
  const rows = await groupStats<RunKey & { end_ns: string }>(store, project, f, grouping);
  if (rows.length === 0) return [];
  const runs = rows.map((r) => r.run_id);
  const [configs, envelopes] = await Promise.all([runConfigs(store, project, runs), runEnvelopes(store, project, runs)]);
  return rows.map(({ end_ns, ...r }) => {
    const env = envelopes.get(r.run_id) ?? new Map<string, string>();
    const envOnly: Record<string, string> = {};
    for (const [k, v] of env) if (k.startsWith(ATTR.envPrefix)) envOnly[k.slice(ATTR.envPrefix.length)] = v;
    return {
      ...r,
      success_rate: r.n_success / r.n_traces,
      started: r.first_seen,
      finished: nsToIso(end_ns),
      configs: configs.get(r.run_id) ?? [],
      code_version: env.get(ATTR.codeVersion) ?? null,
      seed: env.get(ATTR.seed) ?? null,
      env: envOnly,
    };
  });
}

/** The traces of the given runs as CTE t (trace_id, run). */
function runTracesCte(runs: readonly string[], params: QueryParams, columns = ''): string {
  params.c_runs = runs;
  return `t AS (SELECT trace_id, ${columns}${RUN_OF('run_id')} AS run FROM (${tracesSql({}, params, IN_RUNS('c_runs'))}))`;
}

/** Per run, its LLM calls' configurations, most used first (judge calls are not the run's configuration). */
async function runConfigs(store: Store, project: string, runs: readonly string[]): Promise<Map<string, RunConfig[]>> {
  const params: QueryParams = { project };
  const rows = await store.query<{ run: string; config_hash: string; model: string; params: string; n_traces: number | string }>(
    `WITH ${runTracesCte(runs, params, 'configs, ')}
     SELECT run, config_hash, model, params, n_traces FROM (
       SELECT run, code, count() AS n_traces FROM t ARRAY JOIN configs AS code GROUP BY run, code
     ) AS r INNER JOIN (${CONFIG_NAMES_SQL}) AS p USING (code)
     ORDER BY run, n_traces DESC, config_hash, model`,
    params,
  );
  const out = new Map<string, RunConfig[]>();
  for (const r of rows) {
    const list = out.get(r.run) ?? [];
    list.push({ config_hash: r.config_hash, model: r.model, params: parseRequestParams(r.params), n_traces: Number(r.n_traces) });
    out.set(r.run, list);
  }
  return out;
}

/** Per run, the most common value of each envelope key (code version, seed, env.*) over its traces; ties go to the greater value. */
async function runEnvelopes(store: Store, project: string, runs: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const params: QueryParams = { project };
  const rows = await store.query<{ run: string; key: string; value: string }>(
    `WITH ${runTracesCte(runs, params, 'envelope, ')},
       g AS (SELECT run, envelope, count() AS n FROM t GROUP BY run, envelope)
     SELECT run, key, argMax(value, (n, value)) AS value FROM (${envelopeCounts('g', 'run')})
     GROUP BY run, key
     ORDER BY run, key`,
    params,
  );
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const m = out.get(r.run) ?? new Map<string, string>();
    m.set(r.key, r.value);
    out.set(r.run, m);
  }
  return out;
}

/** One run with its items (by example id, `limit` from `offset`); null when the project has no such run. */
export async function getRun(store: Store, project: string, run: string, page: { limit: number; offset: number }): Promise<RunDetail | null> {
  const [summary] = await listRuns(store, project, { runs: [run], limit: 1 });
  if (!summary) return null;
  const params: QueryParams = { project, limit: page.limit, offset: page.offset };
  const cte = runTracesCte([run], params, 'example_id, success, cost_usd, llm_spans, unpriced_spans, latency_ms, scores, ');
  const envParams: QueryParams = { project };
  const envCte = runTracesCte([run], envParams, 'envelope, ');
  const [items, judges, envelope, covered] = await Promise.all([
    store.query<{
      example_id: string;
      n_traces: number;
      n_success: number;
      cost_usd: number;
      n_priced: number;
      latency_ms: number | null;
      trace_ids: string[];
      entries: Array<[string, number | null, number]>;
      n_items: number;
    }>(
      `WITH ${cte}
       SELECT example_id, count() AS n_traces, countIf(success) AS n_success, toFloat64(sum(cost_usd)) AS cost_usd,
         countIf(llm_spans > unpriced_spans) AS n_priced, avg(latency_ms) AS latency_ms, arraySort(groupArray(trace_id)) AS trace_ids,
         arrayMap(x -> tuple(toString(${SCORE_KEY('x')}), if(${HAS_SCORE('x')}, ${SCORE_OF('x')}, NULL), ${PASS_CODE('x')}), arrayFlatten(groupArray(scores))) AS entries,
         count() OVER () AS n_items
       FROM t GROUP BY example_id ORDER BY example_id LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      params,
    ),
    store.query<{ key: string; judge_name: string; judge_version: string; name: string }>(
      `SELECT toString(key) AS key, judge_name, judge_version, name FROM (${JUDGE_KEYS_SQL})`,
      { project },
    ),
    envelopeOfTraces(store, envCte, envParams),
    runCoverage(store, project, summary),
  ]);
  const names = new Map(judges.map((j) => [j.key, j]));
  const firstTraces = items.map((i) => i.trace_ids[0]!).filter(Boolean);
  const content = await traceContent(store, project, firstTraces);
  return {
    ...summary,
    ...envelope,
    coverage: covered,
    n_items: items[0]?.n_items ?? 0,
    items: items.map((i) => {
      const c = content.get(i.trace_ids[0] ?? '');
      return {
        example_id: i.example_id,
        n_traces: i.n_traces,
        n_success: i.n_success,
        cost_usd: i.n_priced > 0 ? i.cost_usd : null,
        latency_ms: Number.isFinite(i.latency_ms) ? i.latency_ms : null,
        trace_ids: i.trace_ids,
        scores: itemScores(i.entries, names),
        input: c?.input ?? null,
        output: c?.output ?? null,
      };
    }),
  };
}

/** Mean score and pass rate per judge key over an item's traces (each trace's latest result per key). */
function itemScores(entries: Array<[string, number | null, number]>, names: Map<string, { judge_name: string; judge_version: string; name: string }>): RunItem['scores'] {
  const byKey = new Map<string, { sum: number; n: number; labeled: number; pass: number }>();
  for (const [key, score, pass] of entries) {
    const acc = byKey.get(key) ?? { sum: 0, n: 0, labeled: 0, pass: 0 };
    if (score !== null) {
      acc.sum += score;
      acc.n += 1;
    }
    if (pass > 0) acc.labeled += 1;
    if (pass === 2) acc.pass += 1;
    byKey.set(key, acc);
  }
  return [...byKey.entries()]
    .flatMap(([key, a]) => {
      const name = names.get(key);
      if (!name) return [];
      return [
        {
          judge: name.judge_name,
          judge_version: name.judge_version,
          evaluation: name.name,
          n_scored: a.n,
          score: a.n > 0 ? a.sum / a.n : null,
          n_labeled: a.labeled,
          pass_rate: a.labeled > 0 ? a.pass / a.labeled : null,
        },
      ];
    })
    .sort((x, y) => `${x.judge}\u0000${x.judge_version}\u0000${x.evaluation}`.localeCompare(`${y.judge}\u0000${y.judge_version}\u0000${y.evaluation}`));
}

/** The run's coverage of the stored dataset version it names (frozen-set check), or null when none is stored. */
export async function runCoverage(store: Store, project: string, run: RunSummary): Promise<Coverage | null> {
  if (run.dataset === '' || run.dataset_version === '') return null;
  const version = await loadDatasetVersion(store, project, run.dataset, run.dataset_version);
  if (!version) return null;
  const params: QueryParams = { project, input_key: ATTR.taskInput };
  const items = await store.query<{ example_id: string; input: string }>(
    `WITH ${runTracesCte([run.run_id], params, 'example_id, ')}
     SELECT example_id, any(input) AS input FROM (
       SELECT trace_id, attributes[{input_key:String}] AS input FROM spans
       WHERE project = {project:String} AND is_root AND trace_id IN (SELECT trace_id FROM t)
     ) AS s RIGHT JOIN t USING (trace_id)
     GROUP BY example_id`,
    params,
  );
  return coverage(
    { dataset: run.dataset, version: version.version, content_hash: version.content_hash, items: version.items },
    items.map((i) => ({ example_id: i.example_id, input: i.input === '' ? null : i.input })),
  );
}
