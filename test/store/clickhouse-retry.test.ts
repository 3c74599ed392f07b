import { ClickHouseError } from '@clickhouse/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, classifyFailure } from '../../collector/store/clickhouse-retry.js';

const chError = (code: number, type: string) => new ClickHouseError({ message: 'x', code: String(code), type });
const sysError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('retry classification', () => {
  it('calls failures before ClickHouse ran anything unsent', () => {
    const unsent = [
      sysError('ECONNREFUSED'),
      sysError('EAI_AGAIN'),
      chError(202, 'TOO_MANY_SIMULTANEOUS_QUERIES'),
      chError(252, 'TOO_MANY_PARTS'),
      chError(242, 'TABLE_IS_READ_ONLY'),
    ];
    for (const e of unsent) expect(classifyFailure(e)).toBe('unsent');
  });

  it('calls failures after which the statement may have run ambiguous', () => {
    const pages = [
      '<html><title>502 Bad Gateway</title></html>',
      '503 Service Temporarily Unavailable',
      '<h1>504 Gateway Time-out</h1>',
      'no healthy upstream',
    ];
    const ambiguous = [
      sysError('ECONNRESET', 'socket hang up'),
      sysError('EPIPE'),
      new Error('Timeout error.'),
      chError(159, 'TIMEOUT_EXCEEDED'),
      chError(209, 'SOCKET_TIMEOUT'),
      ...pages.map((p) => new Error(p)),
    ];
    for (const e of ambiguous) expect(classifyFailure(e)).toBe('ambiguous');
  });

  it('calls answers that would repeat themselves permanent', () => {
    const permanent = [
      chError(62, 'SYNTAX_ERROR'),
      chError(516, 'AUTHENTICATION_FAILED'),
      chError(60, 'UNKNOWN_TABLE'),
      new Error('Unexpected encoding: zstd'),
      'not an error',
    ];
    for (const e of permanent) expect(classifyFailure(e)).toBe('permanent');
  });
});

describe('backoff', () => {
  const policy = { attempts: 8, baseDelayMs: 100, maxDelayMs: 3_000, budgetMs: 60_000 };

  it('doubles its ceiling with each retry up to the cap', () => {
    const nearTop = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5, 6].map((r) => backoffMs(policy, r, nearTop))).toEqual([99, 199, 399, 799, 1599, 2999, 2999]);
  });

  it('draws anywhere from zero to the ceiling (full jitter)', () => {
    fc.assert(
      fc.property(fc.nat(20), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, u) => {
        const d = backoffMs(policy, retry, () => u);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
      }),
    );
    expect(backoffMs(policy, 3, () => 0)).toBe(0);
  });
});
