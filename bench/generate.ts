import type { Store } from '../collector/store/types.js';

/** Models with the USD prices per 1M tokens the generator charges (input, output). */
export const BENCH_MODELS: ReadonlyArray<readonly [string, number, number]> = [
  ['gpt-4o', 2.5, 10],
  ['gpt-4o-mini', 0.15, 0.6],
  ['gpt-4.1', 2, 8],
  ['gpt-4.1-mini', 0.4, 1.6],
  ['gpt-5-mini', 0.25, 2],
  ['o4-mini', 1.1, 4.4],
  ['claude-sonnet-4-5', 3, 15],
  ['claude-haiku-4-5', 1, 5],
  ['gemini-2.5-pro', 1.25, 10],
  ['gemini-2.5-flash', 0.3, 2.5],
];

export interface GenerateOptions {
  project?: string;
  traces: number;
  spansPerTrace?: number;
  /** LLM calls per trace (spans 1..llmSpans); the rest are tool/retrieval spans. */
  llmSpans?: number;
  judgeVersions?: number;
  /** First trace number, so several calls can add disjoint traces. */
  offset?: number;
}

/**
 * Writes synthetic but realistic task traces straight into the store, inside
 * the engine (INSERT … SELECT FROM numbers), so 10M spans take seconds rather
 * than the minutes JS-built rows would. Cardinalities: 5 datasets × 2
 * versions, 10 models, 5 prompts × 10 versions, 2,000 example ids reused
 * across prompt versions (so comparisons pair), 3 judge versions. Any 50
 * consecutive traces cover all 50 prompt versions, so 1M and 10M spans
 * differ in volume only, not in the number of triples the queries return;
 * each pass over the 2,000 examples moves every example on to the next
 * version, so neighbouring versions of a prompt share examples. Runs: 10,
 * each pass over the examples in the next one, so any two runs pair on all
 * 2,000 items at either size. LLM spans carry request parameters (one of
 * three temperatures, by run) and their configuration hash; every span its
 * process's envelope (code version, a seed per run, env.*).
 */
export async function generate(store: Store, o: GenerateOptions): Promise<{ spans: number; evaluations: number }> {
  const S = o.spansPerTrace ?? 20;
  const L = o.llmSpans ?? 4;
  const J = o.judgeVersions ?? 3;
  const params = {
    project: o.project ?? 'default',
    traces: o.traces,
    offset: o.offset ?? 0,
    S,
    L,
    J,
    models: BENCH_MODELS.map((m) => m[0]),
    pin: BENCH_MODELS.map((m) => m[1]),
    pout: BENCH_MODELS.map((m) => m[2]),
  };
  await store.command(
    `INSERT INTO spans (project, trace_id, span_id, parent_span_id, name, kind, start_time, end_time, duration_ns,
       status_code, service_name, scope_name, is_root, is_llm, is_evaluation, model, provider, operation,
       dataset_name, dataset_version, example_id, prompt_name, prompt_version, run_id, input_tokens, output_tokens,
       cost_usd, cost_source, success, attributes, resource_attributes, request_params, config_hash)
     SELECT
       {project:String},
       lower(hex(MD5(concat('t', toString(t))))) AS trace_id,
       substring(lower(hex(MD5(concat('s', toString(n))))), 1, 16) AS span_id,
       if(k = 0, '', substring(lower(hex(MD5(concat('s', toString(t * {S:UInt32}))))), 1, 16)),
       multiIf(k = 0, 'task', llm, concat('chat ', model), 'retrieve'),
       if(llm, 3, 1),
       fromUnixTimestamp64Nano(toInt64(1790000000000000000 + t * 1000000000 + k * 1000000)),
       fromUnixTimestamp64Nano(toInt64(1790000000000000000 + t * 1000000000 + k * 1000000 + dur)),
       dur,
       if(k = 0 AND cityHash64(t, 3) % 50 = 0, 2, 0),
       'bench-app', 'bench', k = 0, llm, false,
       if(llm, model, ''), if(llm, 'openai', ''), if(llm, 'chat', ''),
       if(k = 0, concat('dataset-', toString(t % 5)), ''),
       if(k = 0, concat('v', toString(intDiv(t, 5) % 2)), ''),
       if(k = 0, concat('ex-', toString(t % 2000)), ''),
       if(k = 0, concat('prompt-', toString(intDiv(pv, 10))), ''),
       if(k = 0, concat('v', toString(pv % 10)), ''),
       if(k = 0, concat('run-', toString(intDiv(t, 2000) % 10)), ''),
       if(llm, 100 + cityHash64(n, 1) % 900, 0) AS tin,
       if(llm, 20 + cityHash64(n, 2) % 300, 0) AS tout,
       if(llm, (tin * {pin:Array(Float64)}[mi + 1] + tout * {pout:Array(Float64)}[mi + 1]) / 1e6, NULL),
       if(llm, 'price_table', ''),
       if(k = 0, cityHash64(t, 4) % 10 < 7, NULL),
       if(llm, map('gen_ai.operation.name', 'chat', 'gen_ai.request.model', model, 'gen_ai.response.id', concat('resp-', toString(n))),
               map('retrieval.documents', toString(cityHash64(n) % 10))),
       map('service.name', 'bench-app', 'evaltrace.code.version', 'abc123', 'evaltrace.seed', toString(intDiv(t, 2000) % 10),
           'evaltrace.env.runtime', 'node 20', 'evaltrace.env.platform', 'linux-x64'),
       if(llm, concat('{"max_tokens":512,"temperature":', toString(intDiv(t, 2000) % 3 / 10), '}'), '') AS rp,
       if(llm, lower(hex(MD5(concat(model, rp)))), '')
     FROM (
       SELECT number + {offset:UInt64} * {S:UInt32} AS n, intDiv(n, {S:UInt32}) AS t, n % {S:UInt32} AS k,
              (t % 50 + intDiv(t, 2000)) % 50 AS pv,
              k >= 1 AND k <= {L:UInt32} AS llm, cityHash64(t, 9) % 10 AS mi, {models:Array(String)}[mi + 1] AS model,
              if(k = 0, 200000000 + cityHash64(t, 5) % 3000000000, 1000000 + cityHash64(n, 6) % 50000000) AS dur
       FROM numbers({count:UInt64})
     )`,
    { ...params, count: o.traces * S },
  );
  await store.command(
    `INSERT INTO evaluations (project, evaluation_id, target_trace_id, target_span_id, evaluation_trace_id, evaluation_span_id,
       name, judge_name, judge_version, judge_model, score, label, passed, explanation, source, time)
     SELECT {project:String}, concat('e', toString(n)), lower(hex(MD5(concat('t', toString(t))))),
       substring(lower(hex(MD5(concat('s', toString(t * {S:UInt32}))))), 1, 16), '', '',
       'quality', 'quality-judge', concat('j', toString(j)), 'gpt-4o-mini',
       score, if(score >= 0.5, 'pass', 'fail'), score >= 0.5, concat('judged ', toString(score)), 'span',
       fromUnixTimestamp64Nano(toInt64(1790000000000000000 + t * 1000000000 + 86400000000000 + j))
     FROM (
       SELECT number + {offset:UInt64} * {J:UInt32} AS n, intDiv(n, {J:UInt32}) AS t, n % {J:UInt32} AS j,
              ((cityHash64(t, 7) % 61) + (cityHash64(t, j, 8) % 41) + j * 3) / 104 AS score
       FROM numbers({count:UInt64})
     )`,
    { ...params, count: o.traces * J },
  );
  return { spans: o.traces * S, evaluations: o.traces * J };
}
