import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRICES, costUsd } from '../../src/pricing.js';
import { callCost } from '../../src/wrap/cost.js';

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
      expect(callCost(model, { inputTokens: 10, outputTokens: 5 })).toBeNull();
    }
  });
});

describe('callCost', () => {
  it('prices every model id exactly as costUsd does, asked once or many times', () => {
    fc.assert(
      fc.property(modelId, usage, (model, u) => {
        const expected = costUsd(model, u);
        expect(callCost(model, u)).toBe(expected);
        expect(callCost(model, u)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
