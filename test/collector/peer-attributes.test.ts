import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../collector/ingest/normalize.js';
import { withPeerAttributes } from '../../collector/ingest/peer-attributes.js';
import { DEFAULT_LIMITS } from '../../collector/limits.js';
import type { Attributes } from '../../collector/otlp/model.js';

const ctx = { project: 'p', limits: DEFAULT_LIMITS, onTruncate: () => undefined };
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);

/** One span through the collector's normalization, as an OTLP decoder hands it over. */
function normalized(attributes: Attributes) {
  const start = Date.UTC(2026, 9, 1);
  return normalizeSpan(
    {
      resource: {},
      scope: { name: 'peer', version: '' },
      span: {
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        parentSpanId: '',
        name: 'OpenAI Chat Completions',
        kind: 1,
        startNs: ns(start),
        endNs: ns(start + 5),
        attributes,
        events: [],
        links: [],
        statusCode: 0,
        statusMessage: '',
      },
    },
    ctx,
  ).span;
}

describe('withPeerAttributes: OpenInference metadata JSON', () => {
  it('lifts the version keys of the metadata JSON into flat metadata.<key> attributes', () => {
    const metadata = JSON.stringify({ dataset_name: 'faq', dataset_version: '2026-11', prompt_version: 3, user: 'u1' });
    expect(withPeerAttributes({ metadata, 'llm.model_name': 'gpt-4o-mini' })).toEqual({
      metadata,
      'llm.model_name': 'gpt-4o-mini',
      'metadata.dataset_name': 'faq',
      'metadata.dataset_version': '2026-11',
      'metadata.prompt_version': '3',
    });
  });

  it('takes a kvlist metadata value as the object it decodes to', () => {
    expect(withPeerAttributes({ metadata: { example_id: 'q7', run_id: 'r1' } })).toMatchObject({
      'metadata.example_id': 'q7',
      'metadata.run_id': 'r1',
    });
  });

  it('leaves spans without usable metadata untouched, the same object', () => {
    for (const attrs of [
      {},
      { metadata: 'not json' },
      { metadata: '{"dataset_name": ' },
      { metadata: '["dataset_name"]' },
      { metadata: JSON.stringify({ dataset_name: '', dataset_version: true, prompt_name: { x: 1 } }) },
      { metadata: JSON.stringify({ dataset_name: 'x'.repeat(70_000) }) },
    ] as Attributes[]) {
      expect(withPeerAttributes(attrs)).toBe(attrs);
    }
  });

  it('never overwrites an attribute that was sent flat', () => {
    const attrs = { metadata: JSON.stringify({ dataset_version: 'from-json' }), 'metadata.dataset_version': 'flat' };
    expect(withPeerAttributes(attrs)['metadata.dataset_version']).toBe('flat');
  });
});

describe('peer attribute names resolved by span normalization', () => {
  it('reads OpenInference metadata, prompt template version, prompt id and llm.system', () => {
    const row = normalized({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.system': 'openai',
      'llm.token_count.prompt': 100,
      'llm.token_count.completion': 10,
      'llm.prompt_template.version': 'v2',
      'prompt.id': 'answer',
      metadata: JSON.stringify({ dataset_name: 'faq', dataset_version: '2026-11', example_id: 'q1', run_id: 'nightly' }),
    });
    expect(row).toMatchObject({
      is_llm: true,
      provider: 'openai',
      dataset_name: 'faq',
      dataset_version: '2026-11',
      example_id: 'q1',
      run_id: 'nightly',
      prompt_name: 'answer',
      prompt_version: 'v2',
      input_tokens: 100,
      output_tokens: 10,
    });
  });

  it('reads OpenLLMetry association properties, prompt registry attributes and cache token counts', () => {
    const row = normalized({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 1,
      'gen_ai.usage.cache_read_input_tokens': 3,
      'gen_ai.usage.cache_creation_input_tokens': 2,
      'traceloop.association.properties.dataset_name': 'faq',
      'traceloop.association.properties.dataset_version': '2026-11',
      'traceloop.association.properties.example_id': 'q2',
      'traceloop.association.properties.run_id': 'nightly',
      'traceloop.association.properties.prompt_name': 'ignored: traceloop.prompt.key wins',
      'traceloop.prompt.key': 'answer',
      'traceloop.prompt.version': 4,
    });
    expect(row).toMatchObject({
      dataset_name: 'faq',
      dataset_version: '2026-11',
      example_id: 'q2',
      run_id: 'nightly',
      prompt_name: 'answer',
      prompt_version: '4',
      cache_read_tokens: 3,
      cache_write_tokens: 2,
    });
  });

  it('prefers evaltrace attributes over peer spellings of the same field', () => {
    const row = normalized({
      'evaltrace.dataset.version': 'explicit',
      'traceloop.association.properties.dataset_version': 'association',
      metadata: JSON.stringify({ dataset_version: 'metadata', prompt_version: 'metadata' }),
      'evaltrace.prompt.version': 'explicit',
    });
    expect(row).toMatchObject({ dataset_version: 'explicit', prompt_version: 'explicit' });
  });
});
