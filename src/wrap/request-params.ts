import type { Attributes } from '@opentelemetry/api';
import { ALIASES, ATTR, REQUEST_PARAMS, TOOL_NAME_SOURCES } from '@evaltrace/semantic-conventions';
import type { Params } from './operation.js';
import { type Obj, arr, num, obj, str } from './wire.js';

/**
 * Each request body field the shared table names: the attribute it fills and
 * its rank among that attribute's fields (the first listed wins when a
 * request sets several, e.g. max_completion_tokens over max_tokens).
 */
const FIELDS: ReadonlyMap<string, { attribute: string; rank: number; stop: boolean }> = new Map(
  Object.values(REQUEST_PARAMS).flatMap((p) => {
    const stop = p.field === 'requestStopSequences';
    const attribute = stop ? ATTR.requestStopSequences : ALIASES[p.field][0];
    return p.body.map((field, rank) => [field, { attribute, rank, stop }] as const);
  }),
);
/** The request body's tool lists, as the collector reads them from OpenInference's parameters. */
const TOOL_FIELDS: readonly string[] = TOOL_NAME_SOURCES.body;
/** More tools or stop sequences than this are not a configuration anyone reads from a span. */
const MAX_ITEMS = 128;

/**
 * Adds the request parameters present in `params` to a call span's attributes:
 * gen_ai.request.* numbers (null, absent or non-finite values are left out),
 * stop sequences as a string array, and the tools offered as semconv
 * `gen_ai.tool.definitions` with only each tool's required type and name.
 * Walks the request's own few keys rather than probing it for every field the
 * table knows: it runs on every call, and most requests set none of them.
 */
export function addRequestParams(into: Attributes, params: Params): void {
  /** Rank of the field that filled each attribute, kept only once a field matched. */
  let filled: Map<string, number> | undefined;
  let tools = false;
  for (const key in params) {
    const f = FIELDS.get(key);
    if (f === undefined) {
      if (TOOL_FIELDS.includes(key)) tools = true;
      continue;
    }
    const v = params[key];
    // A stop field claims its attribute when it holds a string or a list, even one that yields nothing.
    const stop = f.stop && (typeof v === 'string' || Array.isArray(v));
    const n = f.stop ? undefined : num(v);
    if (!stop && n === undefined) continue;
    filled ??= new Map();
    const rank = filled.get(f.attribute);
    if (rank !== undefined && rank < f.rank) continue;
    filled.set(f.attribute, f.rank);
    const value = stop ? stopSequences(v as string | unknown[]) : n;
    if (value === undefined) delete into[f.attribute];
    else into[f.attribute] = value;
  }
  if (!tools) return;
  const definitions = toolDefinitions(params);
  if (definitions) into[ATTR.toolDefinitions] = JSON.stringify(definitions);
}

function stopSequences(v: string | unknown[]): string[] | undefined {
  if (typeof v === 'string') return v === '' ? undefined : [v];
  const out = v.slice(0, MAX_ITEMS).filter((s): s is string => typeof s === 'string');
  return out.length > 0 ? out : undefined;
}

/** Tools (OpenAI chat, responses, Anthropic) and OpenAI's legacy functions, as { type, name }. */
function toolDefinitions(params: Params): Array<{ type: string; name: string }> | undefined {
  let out: Array<{ type: string; name: string }> | undefined;
  for (const field of TOOL_FIELDS) {
    const list = arr(params[field]);
    for (let i = 0; i < list.length && i < MAX_ITEMS; i++) {
      const tool = obj(list[i]);
      const name = toolName(tool);
      if (name === undefined) continue;
      out ??= [];
      out.push({ type: str(tool.type) ?? 'function', name });
    }
  }
  return out;
}

/** A tool's name: its own, its function's (chat), its custom tool's, else its type (built-in tools). */
function toolName(tool: Obj): string | undefined {
  return str(tool.name) ?? str(obj(tool.function).name) ?? str(obj(tool.custom).name) ?? str(tool.type);
}
