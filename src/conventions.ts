/**
 * `evaltrace/conventions`: the attribute names and the price table, with no
 * dependencies, so the collector reads spans by the same names the SDK writes
 * without loading OpenTelemetry.
 */
export * from './attributes.js';
export * from './pricing.js';
export * from './template-version.js';
