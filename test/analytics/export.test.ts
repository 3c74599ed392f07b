import { describe, expect, it } from 'vitest';
import { fileName, flatten, toCsv, toJsonl } from '../../collector/routes/export.js';

describe('CSV and JSONL rendering', () => {
  it('flattens nested objects into prefixed columns and intervals into _low / _high', () => {
    expect(flatten({ model: 'm', ci95: [1, 2], pass_rate: { rate_a: 0.5, ci95: null, confusion: { pass_pass: 3 } } })).toEqual({
      model: 'm',
      ci95_low: 1,
      ci95_high: 2,
      pass_rate_rate_a: 0.5,
      pass_rate_ci95: null,
      pass_rate_confusion_pass_pass: 3,
    });
  });

  it('writes RFC 4180 CSV: quoted commas, quotes and newlines, CRLF rows, empty cells for null and missing keys', () => {
    const csv = toCsv([
      { a: 'x,y', b: 'say "hi"', c: null },
      { a: 'two\nlines', d: -1.5 },
    ]);
    expect(csv).toBe('a,b,c,d\r\n"x,y","say ""hi""",,\r\n"two\nlines",,,-1.5\r\n');
  });

  it('prefixes text that a spreadsheet would run as a formula, but never numbers', () => {
    expect(toCsv([{ a: '=1+1', b: '+x', c: '-x', d: '@x', e: -3 }])).toBe("a,b,c,d,e\r\n'=1+1,'+x,'-x,'@x,-3\r\n");
  });

  it('writes one JSON object per line, unchanged', () => {
    expect(toJsonl([{ a: '=1', b: null }, { c: 2 }])).toBe('{"a":"=1","b":null}\n{"c":2}\n');
  });

  it('makes file names from safe characters only', () => {
    expect(fileName(['compare-prompts', 'my prompt/"x"', 'v1'], 'csv')).toBe('compare-prompts-my_prompt_x_-v1.csv');
  });
});
