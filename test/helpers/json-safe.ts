import { expect } from 'vitest';

/** JSON round-trips unchanged only if there is no NaN, ±Infinity or undefined inside. */
export function expectJsonSafe(x: unknown): void {
  expect(JSON.parse(JSON.stringify(x))).toEqual(x);
}
