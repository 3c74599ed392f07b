/**
 * The collector's HTTP answers that another package reads: declared once
 * here, returned by the collector's read models (whose routes check them
 * against the OpenAPI schemas) and parsed by the SDK, so the two sides
 * cannot drift apart.
 */
import type { TemplateMessage } from './template-version.js';

/** One trace of GET /api/traces and GET /api/traces/{id}: its resolved versions, outcome, tokens and cost. */
export interface TraceSummary {
  trace_id: string;
  /** The root span's id; null while the root has not arrived (such a trace cannot be the target of an evaluation). */
  span_id: string | null;
  dataset: string;
  dataset_version: string;
  example_id: string;
  prompt: string;
  prompt_version: string;
  model: string;
  run_id: string;
  success: boolean | null;
  latency_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  /** null when no LLM call of the trace has a price. */
  cost_usd: number | null;
  start_time: string;
}

/** A listed trace with the content a judge reads: the task's input and output, else the first LLM call's input and the last one's output. */
export interface ListedTrace extends TraceSummary {
  input: string | null;
  output: string | null;
}

/** One page of GET /api/traces; next_cursor asks for the next, null on the last page. */
export interface TracePage {
  traces: ListedTrace[];
  next_cursor: string | null;
}

/** A stored dataset version, as the datasets API answers (GET /api/datasets/{name}, POST …/versions). */
export interface DatasetVersionJson {
  dataset: string;
  /** The label, or the content hash when the version has none. */
  version: string;
  label: string | null;
  /** sha256 (16 hex digits) over the items sorted by id: what runs record as evaltrace.dataset.version. */
  content_hash: string;
  item_count: number;
  created_at: string;
}

/** A stored prompt version, as the prompt registry answers (GET /api/prompts/{name}/versions/{version}, POST …/versions). */
export interface PromptVersionJson {
  prompt: string;
  version: string;
  /** sha256 (12 hex digits) of the template: what definePrompt gives the same template. */
  content_hash: string;
  type: 'text' | 'chat';
  template: string | TemplateMessage[];
  config: Record<string, unknown>;
  created_at: string;
  created_by: string;
  message: string;
  /** The labels on this version now, `latest` included when it is the newest. */
  labels: string[];
}
