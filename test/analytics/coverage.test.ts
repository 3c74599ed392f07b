import { describe, expect, it } from 'vitest';
import { coverage } from '../../collector/query/coverage.js';

const version = {
  dataset: 'qa',
  version: 'v1',
  content_hash: '0123456789abcdef',
  items: [
    { id: 'a', input: 'What is 2+2?' },
    { id: 'b', input: { q: 'capital of France', lang: 'en' } },
    { id: 'c', input: 'Name a prime.' },
  ],
};

describe('frozen-set coverage of a run against its stored dataset version', () => {
  it('is complete when the run ran every item by id with its input (objects compared as values, not key order)', () => {
    const c = coverage(version, [
      { example_id: 'a', input: 'What is 2+2?' },
      { example_id: 'b', input: '{"lang":"en","q":"capital of France"}' },
      { example_id: 'c', input: 'Name a prime.' },
      { example_id: 'a', input: 'What is 2+2?' },
    ]);
    expect(c).toMatchObject({ items_in_version: 3, items_run: 3, fraction: 1, n_missing: 0, n_unknown: 0, inputs_checked: 3, n_inputs_differ: 0, complete: true });
  });

  it('names missing items, unknown ids and items whose input differs', () => {
    const c = coverage(version, [
      { example_id: 'a', input: 'What is 3+3?' },
      { example_id: 'zz', input: 'extra' },
      { example_id: '', input: 'no id' },
    ]);
    expect(c).toMatchObject({
      items_run: 1,
      fraction: 1 / 3,
      n_missing: 2,
      missing_ids: ['b', 'c'],
      n_unknown: 1,
      unknown_ids: ['zz'],
      inputs_checked: 1,
      n_inputs_differ: 1,
      inputs_differ_ids: ['a'],
      complete: false,
    });
  });

  it('does not judge inputs it cannot compare: not captured, or cut to the size bound', () => {
    const c = coverage(version, [
      { example_id: 'a', input: null },
      { example_id: 'b', input: '{"q":"capital of Fr…[truncated]' },
      { example_id: 'c', input: 'Name a prime.' },
    ]);
    expect(c).toMatchObject({ items_run: 3, inputs_checked: 1, n_inputs_differ: 0, complete: true });
  });
});
