import type { AttrValue, Attributes } from '../otlp/model.js';

/**
 * OpenInference puts user metadata on a span as one JSON attribute,
 * `metadata` (openinference-core `setMetadata`). Its version keys are lifted
 * here into flat `metadata.<key>` attributes, which the contract's alias
 * lists (conventions/attributes.ts, the @evaltrace/semantic-conventions package) accept after the evaltrace names.
 */
export const OPENINFERENCE_METADATA = 'metadata';

/** The metadata keys that carry contract fields; the same keys as OpenLLMetry association properties. */
export const LIFTED_METADATA_KEYS = [
  'dataset_name',
  'dataset_version',
  'example_id',
  'prompt_name',
  'prompt_version',
  'run_id',
] as const;

/** Metadata larger than this is left as sent: version keys sit in small objects, and parsing costs per span. */
const MAX_METADATA_CHARS = 64 * 1024;

/** The span's attributes plus `metadata.<key>` for each lifted key; the same object when there is nothing to lift. */
export function withPeerAttributes(attrs: Attributes): Attributes {
  const metadata = metadataObject(attrs[OPENINFERENCE_METADATA]);
  if (!metadata) return attrs;
  let out: Attributes | undefined;
  for (const key of LIFTED_METADATA_KEYS) {
    const name = `${OPENINFERENCE_METADATA}.${key}`;
    const value = scalar(metadata[key]);
    if (value === undefined || attrs[name] !== undefined) continue;
    out ??= { ...attrs };
    out[name] = value;
  }
  return out ?? attrs;
}

/** `metadata` arrives as a JSON string; an OTLP kvlist value decodes to an object and is taken as is. */
function metadataObject(v: AttrValue | undefined): Record<string, AttrValue> | undefined {
  let parsed: unknown = v;
  if (typeof v === 'string') {
    if (v.length > MAX_METADATA_CHARS || !v.trimStart().startsWith('{')) return undefined;
    try {
      parsed = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, AttrValue>) : undefined;
}

/** Versions are names: strings and numbers (a prompt version 3) are kept as text, anything else is ignored. */
function scalar(v: AttrValue | undefined): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
