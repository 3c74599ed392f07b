/**
 * `@evaltrace/semantic-conventions`: the attribute contract, the price table,
 * the prompt template hash and the types of the answers both sides read, with
 * no dependencies. The SDK writes spans by these names and the collector
 * reads them by the same, without either loading the other (or OpenTelemetry).
 */
export * from './attributes.js';
export * from './pricing.js';
export * from './template-version.js';
export * from './wire.js';
