import type { Attributes } from '@opentelemetry/api';
import { ALIASES, ATTR, REQUEST_PARAMS } from '@evaltrace/semantic-conventions';
import type { Params } from './operation.js';
import { type Obj, arr, num, obj, str } from './wire.js';

/** [attribute, request body fields] per numeric parameter, built once from the shared table. */
const NUMERIC: ReadonlyArray<readonly [string, readonly string[]]> = Object.values(REQUEST_PARAMS)
  .filter((p) => p.field !== 'requestStopSequences')
  .map((p) => [ALIASES[p.field][0], p.body] as const);

const STOP_FIELDS = REQUEST_PARAMS.stop_sequences.body;
/** More tools or stop sequences than this are not a configuration anyone reads from a span. */
const MAX_ITEMS = 128;

/**
 * Adds the request parameters present in `params` to a call span's attributes:
 * gen_ai.request.* numbers (null, absent or non-finite values are left out),
 * stop sequences as a string array, and the tools offered as semconv
 * `gen_ai.tool.definitions` with only each tool's required type and name.
 * Reads a few fields, never the whole request.
 */
export function addRequestParams(into: Attributes, params: Params): void {
  for (const [attribute, fields] of NUMERIC) {
    for (const field of fields) {
      const v = num(params[field]);
      if (v !== undefined) {
        into[attribute] = v;
        break;
      }
    }
  }
  const stop = stopSequences(params);
  if (stop) into[ATTR.requestStopSequences] = stop;
  const tools = toolDefinitions(params);
  if (tools) into[ATTR.toolDefinitions] = JSON.stringify(tools);
}

function stopSequences(params: Params): string[] | undefined {
  for (const field of STOP_FIELDS) {
    const v = params[field];
    if (typeof v === 'string') return v === '' ? undefined : [v];
    if (Array.isArray(v)) {
      const out = v.slice(0, MAX_ITEMS).filter((s): s is string => typeof s === 'string');
      return out.length > 0 ? out : undefined;
    }
  }
  return undefined;
}

/** Tools (OpenAI chat, responses, Anthropic) and OpenAI's legacy functions, as { type, name }. */
function toolDefinitions(params: Params): Array<{ type: string; name: string }> | undefined {
  let out: Array<{ type: string; name: string }> | undefined;
  for (const list of [arr(params.tools), arr(params.functions)]) {
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
