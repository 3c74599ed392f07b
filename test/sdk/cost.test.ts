import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRICES, costUsd, priceFor } from '@evaltrace/semantic-conventions';

/** Model ids as apps and providers write them: table keys, dated snapshots, provider prefixes, unknown ids. */
const modelId = fc
  .tuple(
    fc.constantFrom('', 'openai/', 'models/', 'anthropic/'),
    fc.oneof(fc.constantFrom(...Object.keys(PRICES)), fc.string({ maxLength: 12 })),
    fc.constantFrom('', '-2024-07-18', '-20250101', '@001', ':latest', '-preview', 'x'),
    fc.boolean(),
  )
  .map(([prefix, base, suffix, upper]) => {
    const id = prefix + base + suffix;
    return upper ? id.toUpperCase() : id;
  });

const usage = fc.record({
  inputTokens: fc.nat(1_000_000),
  outputTokens: fc.nat(1_000_000),
  cacheReadTokens: fc.option(fc.nat(1_000_000), { nil: undefined }),
  cacheWriteTokens: fc.option(fc.nat(1_000_000), { nil: undefined }),
});

describe('costUsd', () => {
  it('leaves model ids that name Object.prototype properties unpriced (null, never NaN)', () => {
    for (const model of ['constructor', '__proto__', 'openai/__proto__', 'CONSTRUCTOR', 'toString', 'hasOwnProperty']) {
      expect(costUsd(model, { inputTokens: 10, outputTokens: 5 })).toBeNull();
      expect(costUsd(model, { inputTokens: 10, outputTokens: 5 })).toBeNull();
    }
  });
});

describe('priceFor', () => {
  it('resolves dated snapshots and provider prefixes to the longest table key, case-insensitively', () => {
    expect(priceFor('gpt-4o-mini-2024-07-18')).toBe(PRICES['gpt-4o-mini']);
    expect(priceFor('openai/GPT-4o-2024-08-06')).toBe(PRICES['gpt-4o']);
    expect(priceFor('models/gemini-2.5-flash-lite-001')).toBe(PRICES['gemini-2.5-flash-lite']);
    expect(priceFor('claude-sonnet-4-5@20250929')).toBe(PRICES['claude-sonnet-4-5']);
    expect(priceFor('gpt-4ox')).toBeNull();
    expect(priceFor('gpt-4o-miniature')).toBe(PRICES['gpt-4o']);
  });

  it('answers an id the same every time, before and after the memo of resolved ids is full', () => {
    const ids = fc.sample(modelId, { numRuns: 500, seed: 7 });
    const first = ids.map((id) => priceFor(id));
    expect(ids.map((id) => priceFor(id))).toEqual(first);
    // Far more distinct ids than the memo keeps, as a collector fed arbitrary model names sees.
    for (let i = 0; i < 5000; i++) expect(priceFor(`unknown-model-${i}`)).toBeNull();
    expect(ids.map((id) => priceFor(id))).toEqual(first);
    expect(priceFor('llama-3-70b-instruct')).toBeNull();
    expect(priceFor('GPT-4.1-NANO-2025-04-14')).toBe(PRICES['gpt-4.1-nano']);
  });

  it('prices a call from the resolved entry: uncached input, cache reads and writes, output', () => {
    fc.assert(
      fc.property(modelId, usage, (model, u) => {
        const price = priceFor(model);
        const cost = costUsd(model, u);
        if (!price) {
          expect(cost).toBeNull();
          return;
        }
        const read = u.cacheReadTokens ?? 0;
        const write = u.cacheWriteTokens ?? 0;
        const expected =
          (Math.max(0, u.inputTokens - read - write) * price.input +
            read * (price.cacheRead ?? price.input) +
            write * (price.cacheWrite ?? price.input) +
            u.outputTokens * price.output) /
          1_000_000;
        expect(cost).toBeCloseTo(expected, 12);
      }),
      { numRuns: 2000 },
    );
  });
});
