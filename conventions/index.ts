/**
 * `@evaltrace/semantic-conventions`: the attribute contract, the price table
 * and the prompt template hash, with no dependencies. The SDK writes spans by
 * these names and the collector reads them by the same, without either
 * loading the other (or OpenTelemetry).
 */
export * from './attributes.js';
export * from './pricing.js';
export * from './template-version.js';
