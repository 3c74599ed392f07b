import {
  ALIASES,
  ATTR,
  OPENINFERENCE_INVOCATION_PARAMETERS,
  REQUEST_PARAMS,
  type RequestParamKey,
  TOOL_NAME_SOURCES,
} from '@evaltrace/semantic-conventions';
import { canonicalJson, shortHash } from '../canonical-json.js';
import type { AttrValue, Attributes } from '../otlp/model.js';

/**
 * A model call's request parameters in canonical form: keys sorted, numbers
 * as numbers, stop sequences and tool names as sorted, de-duplicated string
 * arrays (their order does not change what the call is configured to do).
 * Absent parameters are absent keys.
 */
export type RequestParams = Partial<Record<Exclude<RequestParamKey, 'stop_sequences'>, number>> & {
  stop_sequences?: string[];
  tool_names?: string[];
};

/** What a span row stores: the canonical params JSON ('' when none) and the configuration hash ('' unless an LLM span). */
export interface RequestParamColumns {
  request_params: string;
  config_hash: string;
}

/** Invocation parameters larger than this are not parsed: they carry whole tool schemas, and parsing costs per span. */
const MAX_JSON_CHARS = 256 * 1024;
/** More tools or stop sequences than this are cut: no configuration is told apart by its 129th tool. */
const MAX_ITEMS = 128;
/** A stop sequence or tool name is cut to this length. */
const MAX_STRING = 256;

const NUMERIC_KEYS = (Object.keys(REQUEST_PARAMS) as RequestParamKey[]).filter(
  (k): k is Exclude<RequestParamKey, 'stop_sequences'> => k !== 'stop_sequences',
);

/**
 * Reads a span's request parameters: the contract's attribute names and their
 * peers' aliases first (conventions/attributes.ts), then OpenInference's
 * `llm.invocation_parameters` JSON; tool names from `gen_ai.tool.definitions`,
 * else OpenLLMetry's indexed `llm.request.functions.{i}.name`, else
 * OpenInference's `llm.tools.{i}.tool.json_schema`, else the invocation
 * parameters' tools. Values that are not what the parameter holds are left
 * out; this never throws and never rejects a span.
 */
export function readRequestParams(attrs: Attributes): RequestParams {
  return readWithInvocation(attrs, invocationParameters(attrs));
}

function readWithInvocation(attrs: Attributes, invocation: Record<string, unknown> | undefined): RequestParams {
  const found: Record<string, number | string[]> = {};
  for (const key of NUMERIC_KEYS) {
    const { field, body } = REQUEST_PARAMS[key];
    const n = first(attrs, ALIASES[field], asNumber) ?? (invocation && first(invocation, body, asNumber));
    if (n !== undefined) found[key] = n;
  }
  const { field, body } = REQUEST_PARAMS.stop_sequences;
  const stop = first(attrs, ALIASES[field], asStrings) ?? (invocation && first(invocation, body, asStrings));
  if (stop) found.stop_sequences = stop;
  const tools = toolNames(attrs, invocation);
  if (tools) found.tool_names = tools;
  const keys = Object.keys(found);
  if (keys.length === 0) return {};
  const out: Record<string, number | string[]> = {};
  for (const k of keys.sort()) out[k] = found[k]!;
  return out as RequestParams;
}

/** The first of `names` in `source` that `read` accepts. */
function first<T>(source: Record<string, unknown>, names: readonly string[], read: (v: unknown) => T | undefined): T | undefined {
  for (const name of names) {
    const v = source[name];
    if (v === undefined || v === null) continue;
    const out = read(v);
    if (out !== undefined) return out;
  }
  return undefined;
}

/** The model a configuration names: the requested one (OpenInference: its invocation parameters' model), else the span's model. */
function configModel(attrs: Attributes, invocation: Record<string, unknown> | undefined, model: string): string {
  const requested = attrs[ATTR.requestModel];
  if (typeof requested === 'string' && requested !== '') return requested;
  const invoked = invocation?.model;
  return typeof invoked === 'string' && invoked !== '' ? invoked : model;
}

/** The configuration's identity: the first 16 hex digits of sha256 over canonical JSON of { model, params }. */
export function configHash(model: string, params: RequestParams): string {
  return shortHash(canonicalJson({ model, params }));
}

/**
 * The span row's request_params and config_hash. `model` is the span's
 * resolved model; the hash takes the requested model where the span names
 * one, so the same configuration hashes alike whichever SDK sent it.
 */
export function requestParamColumns(attrs: Attributes, model: string, isLlm: boolean): RequestParamColumns {
  const invocation = invocationParameters(attrs);
  const params = readWithInvocation(attrs, invocation);
  const json = canonicalJson(params);
  return {
    request_params: json === '{}' ? '' : json,
    config_hash: isLlm ? cachedHash(configModel(attrs, invocation, model), json) : '',
  };
}

/** Hashes by (model, canonical params JSON): an app sends a handful of configurations, each many times. */
const hashes = new Map<string, string>();
const MAX_CACHED = 1024;

function cachedHash(model: string, paramsJson: string): string {
  const key = `${model}\u0000${paramsJson}`;
  let hash = hashes.get(key);
  if (hash === undefined) {
    // The same text canonicalJson({ model, params }) gives, without building the object again.
    hash = shortHash(`{"model":${JSON.stringify(model)},"params":${paramsJson}}`);
    if (hashes.size >= MAX_CACHED) hashes.clear();
    hashes.set(key, hash);
  }
  return hash;
}

/** A stored request_params value back as an object ({} for '' or anything unreadable). */
export function parseRequestParams(text: string): RequestParams {
  if (text === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as RequestParams) : {};
  } catch {
    return {};
  }
}

// ---- readers ------------------------------------------------------------------

function invocationParameters(attrs: Attributes): Record<string, unknown> | undefined {
  return jsonObject(attrs[OPENINFERENCE_INVOCATION_PARAMETERS]);
}

/** A JSON object sent as a string, or an OTLP kvlist already decoded to one. */
function jsonObject(v: AttrValue | unknown): Record<string, unknown> | undefined {
  const parsed = typeof v === 'string' ? parseJson(v, '{') : v;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

function parseJson(text: string, opener: string): unknown {
  if (text.length > MAX_JSON_CHARS || !text.trimStart().startsWith(opener)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A finite number (ints and doubles alike) or a numeric string; -0 reads as 0. */
function asNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  return n === 0 ? 0 : n;
}

/** A string, a string array or a JSON string array, as a sorted, de-duplicated list of its non-empty strings. */
function asStrings(v: unknown): string[] | undefined {
  const list = typeof v === 'string' ? (v.trimStart().startsWith('[') ? (parseJson(v, '[') ?? [v]) : [v]) : v;
  if (!Array.isArray(list)) return undefined;
  return sortedStrings(list.filter((s): s is string => typeof s === 'string' && s !== ''));
}

function sortedStrings(list: readonly string[]): string[] | undefined {
  const out = [...new Set(list.slice(0, MAX_ITEMS).map((s) => s.slice(0, MAX_STRING)))].sort();
  return out.length > 0 ? out : undefined;
}

function toolNames(attrs: Attributes, invocation: Record<string, unknown> | undefined): string[] | undefined {
  const definitions = attrs[ATTR.toolDefinitions];
  const list = typeof definitions === 'string' ? parseJson(definitions, '[') : definitions;
  if (Array.isArray(list)) {
    const names = sortedStrings(namesOf(list));
    if (names) return names;
  }
  const indexed = sortedStrings(probe((i) => attrs[TOOL_NAME_SOURCES.indexedFunctionName(i)], (v) => (typeof v === 'string' ? v : undefined)));
  if (indexed) return indexed;
  const schemas = sortedStrings(probe((i) => attrs[TOOL_NAME_SOURCES.indexedToolJsonSchema(i)], (v) => toolName(jsonObject(v))));
  if (schemas) return schemas;
  if (!invocation) return undefined;
  return sortedStrings(TOOL_NAME_SOURCES.body.flatMap((f) => (Array.isArray(invocation[f]) ? namesOf(invocation[f] as unknown[]) : [])));
}

function namesOf(tools: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const t of tools.slice(0, MAX_ITEMS)) {
    const name = toolName(jsonObject(t));
    if (name !== undefined) out.push(name);
  }
  return out;
}

/** Indexed attributes `…{i}…` from 0 up to the first one missing. */
function probe(at: (i: number) => AttrValue | undefined, read: (v: AttrValue) => string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < MAX_ITEMS; i++) {
    const v = at(i);
    if (v === undefined) break;
    const name = read(v);
    if (name !== undefined && name !== '') out.push(name);
  }
  return out;
}

/** A tool definition's name: its own, its function's (OpenAI chat), its custom tool's, else its type (built-in tools). */
function toolName(tool: Record<string, unknown> | undefined): string | undefined {
  if (!tool) return undefined;
  const fn = jsonObject(tool.function);
  const custom = jsonObject(tool.custom);
  for (const v of [tool.name, fn?.name, custom?.name, tool.type]) if (typeof v === 'string' && v !== '') return v;
  return undefined;
}
