import type { ListedTrace, TracePage } from '@evaltrace/semantic-conventions';
import { type Connection, collectorRequest } from './collector-api.js';

export type { Connection } from './collector-api.js';

/** Which stored task traces to fetch; each field filters on the trace's resolved versions. */
export interface TraceFilter {
  dataset?: string;
  datasetVersion?: string;
  prompt?: string;
  promptVersion?: string;
  model?: string;
  /** At most this many traces (default: all that match). */
  limit?: number;
}

/** One fixed, stored task trace as the collector lists it, with its captured content. */
export interface StoredTrace {
  traceId: string;
  /** The root span: what an evaluation of this trace targets. */
  spanId: string;
  dataset: string;
  datasetVersion: string;
  exampleId: string;
  prompt: string;
  promptVersion: string;
  model: string;
  runId: string;
  startTime: string;
  /** The task's recorded input (t.input) or the first LLM call's input messages, JSON-parsed when JSON. */
  input: unknown;
  /** The task's recorded output (t.output) or the last LLM call's output messages, JSON-parsed when JSON. */
  output: unknown;
  /** The user turns of `input` as plain text. */
  inputText: string;
  /** The text of `output`. */
  outputText: string;
}

const PAGE_SIZE = 100;

/** Pages through `GET /api/traces`; traces without a root span cannot be targeted and are left out. */
export async function* listTraces(filter: TraceFilter = {}, conn: Connection = {}): AsyncGenerator<StoredTrace> {
  let remaining = filter.limit ?? Infinity;
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams();
    const fields = [
      ['dataset', filter.dataset],
      ['dataset_version', filter.datasetVersion],
      ['prompt', filter.prompt],
      ['prompt_version', filter.promptVersion],
      ['model', filter.model],
      ['cursor', cursor ?? undefined],
    ] as const;
    for (const [k, v] of fields) if (v !== undefined) query.set(k, v);
    query.set('limit', String(Math.min(PAGE_SIZE, remaining)));
    const body = await collectorRequest<Partial<TracePage>>(`/api/traces?${query}`, {}, conn);
    if (!Array.isArray(body.traces)) throw new Error('evaltrace: the collector answered GET /api/traces without a traces list');
    for (const row of body.traces) {
      if (remaining <= 0) return;
      if (!row.span_id) continue;
      remaining -= 1;
      yield storedTrace(row, row.span_id);
    }
    cursor = body.next_cursor ?? null;
  } while (cursor && remaining > 0);
}

function storedTrace(r: ListedTrace, spanId: string): StoredTrace {
  const input = parseContent(r.input);
  const output = parseContent(r.output);
  return {
    traceId: r.trace_id,
    spanId,
    dataset: r.dataset,
    datasetVersion: r.dataset_version,
    exampleId: r.example_id,
    prompt: r.prompt,
    promptVersion: r.prompt_version,
    model: r.model,
    runId: r.run_id,
    startTime: r.start_time,
    input,
    output,
    inputText: contentText(input, 'user'),
    outputText: contentText(output),
  };
}

/** Captured content is JSON (messages, objects) or plain text (a string task input), or cut short by a size limit. */
function parseContent(raw: string | null): unknown {
  if (raw === null || raw === '') return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

interface StoredMessage {
  role?: unknown;
  parts?: Array<{ type?: unknown; content?: unknown }>;
}

/** Text of semconv messages (only `role`'s when it has any), or the value itself as text. */
function contentText(value: unknown, role?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((m: StoredMessage) => Array.isArray(m?.parts))) {
    const messages = value as StoredMessage[];
    const chosen = role && messages.some((m) => m.role === role) ? messages.filter((m) => m.role === role) : messages;
    return chosen
      .map((m) => (m.parts ?? []).filter((p) => p.type === 'text' && typeof p.content === 'string').map((p) => p.content).join(''))
      .filter((t) => t !== '')
      .join('\n');
  }
  return JSON.stringify(value);
}
