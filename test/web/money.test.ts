import { describe, expect, it } from 'vitest';
import * as cli from '../../collector/cli/format.js';
import * as money from '../../collector/web/money.js';

describe('one money formatter for dashboard, CLI and cards', () => {
  it('always writes $, cents from $1 up and three significant figures below, never an exponent', () => {
    expect(money.usd(0.0000109)).toBe('$0.0000109');
    expect(money.usd(0.00002175)).toBe('$0.0000218');
    expect(money.usd(7.726e-6)).toBe('$0.00000773');
    expect(money.usd(1.2e-9)).toBe('$0.00000000120');
    expect(money.usd(0.5)).toBe('$0.500');
    expect(money.usd(12.5)).toBe('$12.50');
    expect(money.usd(1234.567)).toBe('$1,234.57');
    expect(money.usd(0)).toBe('$0');
    expect(money.usd(-0.0021)).toBe('-$0.00210');
    expect(money.usd(null)).toBe('—');
    expect(money.usd(Number.NaN)).toBe('—');
  });

  it('signs changes and shows sub-cent costs per thousand tasks', () => {
    expect(money.usdDelta(0.0012)).toBe('+$0.00120');
    expect(money.usdDelta(-1.5)).toBe('-$1.50');
    expect(money.usdDelta(0)).toBe('$0');
    expect(money.usdPer(0.0000218, 'task')).toBe('$0.0218 / 1K tasks');
    expect(money.usdPer(0.0218, 'success')).toBe('$0.0218 / success');
    expect(money.usdPer(0.00218, 'success')).toBe('$2.18 / 1K successes');
  });

  it('is the function the CLI prints with', () => {
    expect(cli.usd).toBe(money.usd);
    expect(cli.signedUsd).toBe(money.usdDelta);
  });
});
