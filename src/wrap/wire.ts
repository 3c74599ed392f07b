import { partsOf } from '../content.js';
import type { CallError } from './operation.js';

/** Loose readers of provider JSON: the span reads only a few fields and must survive any shape. */
export type Obj = Record<string, unknown>;

export const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
/** No list, no allocation: most messages carry no tool calls, and readers only iterate. */
const NONE: readonly unknown[] = Object.freeze([]);
export const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : NONE);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export const modelOf = (params: Obj): string => str(params.model) ?? 'unknown';

/** Tool results and similar content as plain text. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return partsOf(content)
    .map((p) => p.content ?? '')
    .join('');
}

/** An error object a provider sent in a response stream. */
export function providerError(raw: unknown): CallError {
  const e = obj(raw);
  return {
    type: str(e.type) ?? str(e.code) ?? 'provider_error',
    message: str(e.message) ?? 'error reported in the response stream',
  };
}
