import { describe, expect, it } from 'vitest';
import { nsToIso } from '../../collector/clock.js';

describe('nsToIso', () => {
  it('turns unix nanoseconds into ISO time, truncated to the millisecond', () => {
    expect(nsToIso('1790000000123999999')).toBe(new Date(1790000000123).toISOString());
    expect(nsToIso('1790000000000000000')).toBe('2026-09-21T14:13:20.000Z');
  });

  it('reads values under a millisecond, zero and times before 1970', () => {
    expect(nsToIso('999999')).toBe('1970-01-01T00:00:00.000Z');
    expect(nsToIso('0')).toBe('1970-01-01T00:00:00.000Z');
    expect(nsToIso('-1500000')).toBe('1969-12-31T23:59:59.999Z');
  });
});
