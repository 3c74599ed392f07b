/** Row shapes of the spans and evaluations tables (clickhouse/001_init.sql), as inserted. */

export interface SpanRow {
  project: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: number;
  /** Unix nanoseconds as a decimal string (exact past 2^53). */
  start_time: string;
  end_time: string;
  duration_ns: string;
  status_code: number;
  status_message: string;
  service_name: string;
  scope_name: string;
  is_root: boolean;
  is_llm: boolean;
  is_evaluation: boolean;
  model: string;
  provider: string;
  operation: string;
  dataset_name: string;
  dataset_version: string;
  example_id: string;
  prompt_name: string;
  prompt_version: string;
  run_id: string;
  judge_name: string;
  judge_version: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number | null;
  cost_source: '' | 'attribute' | 'price_table' | 'unpriced';
  success: boolean | null;
  /** Canonical JSON of the request parameters ('' when none), clickhouse/008_request_params.sql. */
  request_params: string;
  /** sha256 prefix of { model, params } for LLM spans, else ''; see ingest/request-params.ts. */
  config_hash: string;
  attributes: Record<string, string>;
  resource_attributes: Record<string, string>;
  events: Array<{ time: string; name: string; attributes: Record<string, string> }>;
  links: Array<{ trace_id: string; span_id: string; attributes: Record<string, string> }>;
}

export interface EvaluationRow {
  project: string;
  evaluation_id: string;
  target_trace_id: string;
  target_span_id: string;
  evaluation_trace_id: string;
  evaluation_span_id: string;
  name: string;
  judge_name: string;
  judge_version: string;
  judge_model: string;
  score: number | null;
  label: string;
  passed: boolean | null;
  explanation: string;
  source: 'span' | 'span_event' | 'log' | 'annotation';
  time: string;
}
