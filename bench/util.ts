import { quantile } from '../collector/stats/index.js';

export const QUICK = process.argv.includes('--quick');

export interface Figure {
  figure: string;
  value: string;
  ratio?: string;
  /** For figures the runner relates across runs (query time at two scales): the endpoint and its time. */
  endpoint?: string;
  ms?: number;
  spans?: number;
}

/** Prints a result line the runner collects (`BENCH {json}`), plus a readable line. */
export function report(bench: string, figures: Figure[]): void {
  for (const f of figures) console.log(`  ${f.figure.padEnd(52)} ${f.value.padStart(16)}  ${f.ratio ?? ''}`);
  console.log(`BENCH ${JSON.stringify({ bench, figures })}`);
}

export function ms(samples: number[], q: number): string {
  return `${(quantile(samples, q) ?? Number.NaN).toFixed(1)} ms`;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
